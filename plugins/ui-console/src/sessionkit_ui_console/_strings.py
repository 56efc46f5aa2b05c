"""The console interface's English strings, namespaced under its id (``console``).

Other languages are added with ``ui.add_translations({"de": {"console": {...}}})``; a key
missing there falls back to English. ``{{name}}`` placeholders are filled at display time.
"""

from __future__ import annotations

__all__ = ["NAMESPACE", "STRINGS"]

NAMESPACE = "console"

STRINGS: dict[str, dict[str, object]] = {
    "en": {
        NAMESPACE: {
            "login": {
                "title": "Login",
                "wallet": "Select a wallet",
                "chain": "Select a blockchain",
                "account": "Select an account",
                "enter_account": "Enter an account name",
                "looking_up": "Looking up the accounts of {{public_key}}",
                "no_accounts": "No accounts found matching {{public_key}}",
                "account_not_found": "Unable to find account {{account}}: {{error}}",
                "no_key": "The wallet does not say which key it holds: enter an account name",
                "awaiting": "Awaiting response from your wallet",
                "left_to_wallet": "Several accounts ({{options}}): the wallet chooses",
                "chosen": "{{what}}: {{value}}",
                "done": "Logged in",
            },
            "menu": {
                "keys": "press a number to choose{{enter}} · b back · Esc cancel",
                "keys_many": "type a number and Enter{{enter}} · b back · Esc cancel",
                "default": " · Enter for {{label}}",
                "invalid": "Not an option: {{value}}",
                "no_back": "Nothing to go back to",
                "entry_keys": "Enter to look it up · Esc cancel · empty line to go back",
            },
            "prompt": {
                "accept": "Accept",
                "decline": "Decline",
                "close": "Close",
                "keys_accept": "y accept · n decline · Esc cancel",
                "keys_close": "Enter {{label}} · Esc cancel",
                "keys_wait": "Esc cancel",
                "keys_button": "{{number}} {{label}}",
                "scan": "Scan with your wallet app",
                "open": "Open",
                "remaining": "{{label}} {{time}}",
                "expired": "{{label}} expired",
                "waiting": "Waiting",
                "until": "{{label}} (until {{time}})",
            },
            "status": {
                "transact": "Processing transaction",
                "sign": "Signing",
                "signed": "Signed",
                "broadcast": "Broadcasting",
                "broadcasted": "Broadcast",
                "transact_done": "Transaction complete",
            },
            "error": {"title": "Error", "cancelled": "Cancelled: {{reason}}"},
            "choice": {"wallet": "Wallet", "chain": "Blockchain", "permission": "Account"},
            "cancelled": "Cancelled in the console",
            "declined": "Declined in the console",
        }
    }
}

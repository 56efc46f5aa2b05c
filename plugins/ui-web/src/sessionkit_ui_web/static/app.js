// The SessionKit web UI page: shows the views the server pushes (server-sent events) and posts
// the person's answers. Everything a wallet or a chain supplied is set as text (textContent,
// value, attributes), never parsed as markup.
(() => {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  let state = null;
  let source = null;
  let finished = false;
  let timer = null;
  let lostTimer = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function label(key) {
    return (state && state.labels && state.labels[key]) || key;
  }

  async function post(path, body) {
    try {
      await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        cache: "no-store",
        credentials: "same-origin",
      });
    } catch (error) {
      // The server is between two steps; the next view will show what happened.
    }
  }

  function answer(action, value) {
    if (!state || !state.q) return;
    post("answer", { q: state.q, action: action, value: value === undefined ? null : value });
  }

  function actionButton(text, action, value, className) {
    const button = el("button", className || "", text);
    button.type = "button";
    button.dataset.action = action;
    button.addEventListener("click", () => answer(action, value));
    return button;
  }

  function message(text, className) {
    return el("p", "message " + (className || ""), text);
  }

  function renderChoose(view, root) {
    root.append(el("h2", "", view.heading));
    if (view.message) root.append(message(view.message));
    const list = el("ul", "options");
    list.dataset.kind = view.kind;
    for (const option of view.options || []) {
      const item = el("li");
      const button = el("button", "option");
      button.type = "button";
      button.dataset.kind = view.kind;
      button.dataset.value = option.value;
      if (option.logo) {
        const img = el("img");
        img.alt = "";
        img.src = option.logo;
        button.append(img);
      }
      button.append(el("span", "label", option.label));
      if (option.detail) button.append(el("span", "detail", option.detail));
      button.addEventListener("click", () => answer("choose", option.value));
      item.append(button);
      list.append(item);
    }
    root.append(list);
  }

  function renderEntry(view, root) {
    root.append(el("h2", "", view.heading));
    if (view.message) root.append(message(view.message));
    const form = el("form", "entry");
    const input = el("input");
    input.name = "account";
    input.id = "account";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.maxLength = 13;
    input.setAttribute("aria-label", view.heading);
    const submit = el("button", "primary", label("lookup"));
    submit.type = "submit";
    submit.dataset.action = "enter";
    form.append(input, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (input.value.trim()) answer("enter", input.value.trim());
    });
    root.append(form);
    input.focus();
  }

  function renderQr(element) {
    const figure = el("figure", "qr");
    figure.dataset.element = "qr";
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", element.svg.viewBox);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", element.label || "QR code");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", element.svg.path);
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("fill", "none");
    svg.append(path);
    figure.append(svg);
    const tools = el("div", "tools");
    const expand = el("button", "", label("expand"));
    expand.type = "button";
    expand.dataset.action = "expand";
    expand.addEventListener("click", () => figure.classList.toggle("expanded"));
    const copy = el("button", "", label("copy"));
    copy.type = "button";
    copy.dataset.action = "copy";
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(element.text);
        copy.textContent = label("copied");
      } catch (error) {
        copy.disabled = true;
      }
    });
    tools.append(expand, copy);
    figure.append(tools);
    if (element.label) figure.append(el("figcaption", "", element.label));
    return figure;
  }

  function renderCountdown(element, countdowns) {
    const box = el("div", "countdown");
    box.dataset.element = "countdown";
    box.append(el("span", "spinner"));
    box.append(el("span", "label", element.label || ""));
    const remaining = el("span", "remaining");
    box.append(remaining);
    if (typeof element.remaining_ms === "number") {
      countdowns.push({ node: remaining, end: Date.now() + element.remaining_ms });
    }
    return box;
  }

  function renderElement(element, countdowns) {
    switch (element.type) {
      case "qr":
        return renderQr(element);
      case "link": {
        if (!element.href) return el("p", "message", element.label);
        const link = el("a", "button " + (element.variant === "primary" ? "primary" : ""), element.label);
        link.href = element.href;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.dataset.element = "link";
        return link;
      }
      case "button":
        return actionButton(element.label, "button", element.index,
          element.variant === "primary" ? "primary" : "");
      case "countdown":
        return renderCountdown(element, countdowns);
      case "accept": {
        const row = el("div", "actions");
        row.append(actionButton(label("decline"), "decline"), actionButton(label("accept"), "accept", null, "primary"));
        return row;
      }
      case "asset": {
        const row = el("div", "asset");
        row.dataset.element = "asset";
        row.append(el("span", "", element.label), el("strong", "", element.value));
        return row;
      }
      case "textarea": {
        const area = el("textarea");
        area.readOnly = true;
        area.value = element.content;
        area.dataset.element = "textarea";
        return area;
      }
      case "close":
        return actionButton(element.label || label("close"), "close", null, "primary");
      default:
        return el("span");
    }
  }

  function renderPrompt(view, root, countdowns) {
    const prompt = view.prompt;
    root.append(el("h2", "", prompt.title));
    if (prompt.body) root.append(el("p", "body", prompt.body));
    const list = el("div", "elements");
    for (const element of prompt.elements) list.append(renderElement(element, countdowns));
    root.append(list);
  }

  function tick(countdowns) {
    for (const c of countdowns) {
      const left = Math.max(0, Math.round((c.end - Date.now()) / 1000));
      const mm = String(Math.floor(left / 60)).padStart(2, "0");
      const ss = String(left % 60).padStart(2, "0");
      c.node.textContent = mm + ":" + ss;
    }
  }

  function render() {
    if (timer) clearInterval(timer);
    timer = null;
    document.documentElement.lang = state.lang || "en";
    $("title").textContent = state.title || "SessionKit";
    document.title = state.title ? state.title + " · SessionKit" : "SessionKit";
    $("subtitle").textContent = state.subtitle || "";
    $("back").hidden = !state.back;
    $("back").setAttribute("aria-label", label("back"));
    $("cancel").hidden = Boolean(state.final);
    $("cancel").setAttribute("aria-label", label("cancel"));
    const root = el("section");
    root.id = "view";
    root.dataset.view = state.view;
    const countdowns = [];
    if (state.view === "choose") renderChoose(state, root);
    else if (state.view === "entry") renderEntry(state, root);
    else if (state.view === "prompt") renderPrompt(state, root, countdowns);
    else if (state.view === "error") root.append(message(state.message, "error"));
    else if (state.view === "done" || state.view === "cancelled") root.append(el("p", "", state.message));
    else {
      const busy = el("div", "busy");
      busy.append(el("span", "spinner"), el("span", "", state.message || ""));
      root.append(busy);
    }
    $("view").replaceWith(root);
    if (countdowns.length) {
      tick(countdowns);
      timer = setInterval(() => tick(countdowns), 250);
    }
    // Nothing is focused for the person: Enter must never accept a transaction by itself.
  }

  function connect() {
    source = new EventSource("events");
    source.onmessage = (event) => {
      if (lostTimer) clearTimeout(lostTimer);
      lostTimer = null;
      $("connection").hidden = true;
      state = JSON.parse(event.data);
      render();
      if (state.final) {
        finished = true;
        source.close();
      }
    };
    source.onerror = () => {
      if (finished) return;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up on the stream: ask whether this page still exists (a refused
        // token means the operation is over), and if it does, listen again.
        source.close();
        setTimeout(async () => {
          try {
            const response = await fetch("state", { cache: "no-store" });
            if (response.status === 403) {
              finished = true;
              $("cancel").hidden = true;
              return;
            }
          } catch (error) {
            // The server is between two steps: listen again, the request will wait.
          }
          connect();
        }, 500);
        return;
      }
      if (!lostTimer) {
        lostTimer = setTimeout(() => {
          $("connection").textContent = label("connecting");
          $("connection").hidden = false;
        }, 3000);
      }
    };
  }

  $("back").addEventListener("click", () => answer("back"));
  $("cancel").addEventListener("click", () => {
    $("cancel").disabled = true;
    post("cancel", {});
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !finished) post("cancel", {});
  });
  connect();
})();

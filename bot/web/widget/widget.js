/*
 * The clinic's chat widget. Embed with one tag:
 *   <script src="https://chat.example/widget/widget.js" data-server="https://rasa.example" defer></script>
 * It talks to Rasa's socket.io channel (bot.channels.socketio.SocketIOInput) with
 * session persistence, keeps the conversation across reloads in localStorage,
 * queues messages while offline and sends each one once. The browser keeps a
 * conversation only for the hours the server says (clinic.yml widget_history_hours,
 * sent with session_confirm; 24 until it has), and "Clear this conversation" or a
 * confirmed "delete my data" (custom.session_ended) wipes it and its session at once,
 * so the next person at a shared computer sees nothing. A checklist message
 * (custom.checklist) is shown as a form of checkboxes instead of its numbered text.
 * Message text is only ever put into text nodes, never parsed as HTML, and nothing
 * here needs unsafe-eval.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || window.__clinicChatWidget) return;
  window.__clinicChatWidget = true;

  const STORE_PREFIX = "clinic-chat:";
  const MAX_ENTRIES = 200;
  const MAX_MESSAGE_LENGTH = 1000;
  const REPLY_TIMEOUT_MS = 60000;
  const DEFAULT_HISTORY_HOURS = 24;
  const HOUR_MS = 3600 * 1000;
  const assetBase = new URL(".", script.src);
  const data = script.dataset;

  /* ---------- language: the widget's own words follow the conversation's ----------
     The page's language (data-lang, else <html lang>) goes to the bot as message metadata
     `language`; every bot message says its language (`lang`), and the widget's own words and
     each message's `lang` attribute (for screen readers) follow it. */
  const WIDGET_TEXT = {
    en: {
      title: "Chat with our assistant", subtitle: "Virtual assistant", launcher: "Chat", open: "Open chat: ",
      unread: " new", close: "Close chat", startOver: "Start over", clear: "Clear this conversation",
      expired: "The earlier conversation was removed from this browser.",
      removed: "The conversation was removed from this browser.",
      deleted: "Your data was deleted and this conversation removed from this browser.", conversation: "Conversation",
      placeholder: "Type your message\u2026", yourMessage: "Your message", send: "Send message",
      suggested: "Suggested answers", assistant: "Assistant", you: "You", image: "Image from the assistant",
      waiting: " \u00b7 waiting to send", done: "Done", ticked: "Ticked: ",
      checklistHint: "Tick the ones that apply, or choose None of these",
      cleared: "The conversation was cleared and started again.", online: "You're back online.",
      offline: "You're offline. Reconnecting\u2026 Anything you type will be sent when the connection is back.",
      failed: "The chat could not be loaded. Please call us instead.",
      notice: "I'm an automated assistant, not a doctor, and I can't diagnose. In an emergency call 911.",
    },
    es: {
      title: "Converse con nuestro asistente", subtitle: "Asistente virtual", launcher: "Chat", open: "Abrir el chat: ",
      unread: " nuevos", close: "Cerrar el chat", startOver: "Empezar de nuevo", clear: "Borrar esta conversaci\u00f3n",
      expired: "La conversaci\u00f3n anterior se elimin\u00f3 de este navegador.",
      removed: "La conversaci\u00f3n se elimin\u00f3 de este navegador.",
      deleted: "Sus datos se eliminaron y esta conversaci\u00f3n se quit\u00f3 de este navegador.", conversation: "Conversaci\u00f3n",
      placeholder: "Escriba su mensaje\u2026", yourMessage: "Su mensaje", send: "Enviar mensaje",
      suggested: "Respuestas sugeridas", assistant: "Asistente", you: "Usted", image: "Imagen del asistente",
      waiting: " \u00b7 pendiente de env\u00edo", done: "Listo", ticked: "Marcadas: ",
      checklistHint: "Marque las que apliquen, o elija Ninguna de estas",
      cleared: "La conversaci\u00f3n se borr\u00f3 y empez\u00f3 de nuevo.", online: "Ya est\u00e1 conectado de nuevo.",
      offline: "No hay conexi\u00f3n. Reconectando\u2026 Lo que escriba se enviar\u00e1 cuando vuelva la conexi\u00f3n.",
      failed: "No se pudo cargar el chat. Por favor, ll\u00e1menos.",
      notice: "Soy un asistente autom\u00e1tico, no un m\u00e9dico, y no puedo dar diagn\u00f3sticos. En una emergencia, llame al 911.",
    },
  };
  function languageCode(value) {
    const code = String(value || "").slice(0, 2).toLowerCase();
    return Object.prototype.hasOwnProperty.call(WIDGET_TEXT, code) ? code : "en";
  }
  const pageLanguage = languageCode(data.lang || document.documentElement.lang);
  let widgetLanguage = pageLanguage;
  const t = (key) => WIDGET_TEXT[widgetLanguage][key];

  const config = {
    server: (data.server || "http://localhost:5005").replace(/\/+$/, ""),
    socketPath: data.socketPath || "/socket.io",
    title: data.title || null,    // null: the widget's own title, in the conversation's language
    color: data.color || "#0b5cab",
    initialMessage: data.initialMessage === undefined ? "/greet" : data.initialMessage,
    open: data.open !== undefined && data.open !== "false",
    notice: data.notice || null,
  };
  const title = () => config.title || t("title");

  /* ---------- storage (falls back to memory when localStorage is blocked) ---------- */
  const memory = {};
  const store = {
    get(key, fallback) {
      try {
        const raw = localStorage.getItem(STORE_PREFIX + key);
        return raw === null ? fallback : JSON.parse(raw);
      } catch (error) {
        return key in memory ? memory[key] : fallback;
      }
    },
    set(key, value) {
      memory[key] = value;
      try { localStorage.setItem(STORE_PREFIX + key, JSON.stringify(value)); } catch (error) { /* memory only */ }
    },
  };

  widgetLanguage = languageCode(store.get("lang", pageLanguage));
  const state = {
    sessionId: store.get("session", null),
    transcript: store.get("transcript", []),
    outbox: store.get("outbox", []),
    historyHours: store.get("history_hours", DEFAULT_HISTORY_HOURS),
    socket: null,
    ready: false,          // connected and the session confirmed
    everConnected: false,
    inflight: null,        // id of the message waiting for the bot's turn to end
    unread: 0,
    isOpen: false,
  };

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function saveTranscript() {
    if (state.transcript.length > MAX_ENTRIES) state.transcript = state.transcript.slice(-MAX_ENTRIES);
    store.set("transcript", state.transcript);
  }

  /* ---------- DOM helpers ---------- */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function svgIcon(pathData) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", pathData);
    svg.append(path);
    return svg;
  }

  const ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const ICON_CLOSE = "M6 6l12 12M18 6L6 18";
  const ICON_SEND = "M3 20l18-8L3 4v6l12 2-12 2z";

  /* Links: [label](url), bare http(s) URLs and US phone numbers become <a>; the rest stays text. */
  const LINK_PATTERN = /\[([^\]\n]{1,200})\]\(((?:https?:\/\/|mailto:|tel:)[^\s)]+)\)|(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'])|(\(\d{3}\)\s?\d{3}-\d{4}|\b\d{3}-\d{3}-\d{4}\b)/g;

  function link(href, label) {
    const external = /^https?:/.test(href);
    return el("a", { href, target: external ? "_blank" : null, rel: external ? "noopener noreferrer" : null },
      external ? [label, el("span", { class: "sr-only", text: " (opens in a new tab)" })] : [label]);
  }

  function richText(text) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(LINK_PATTERN)) {
      fragment.append(text.slice(last, match.index));
      if (match[1]) fragment.append(link(match[2], match[1]));
      else if (match[3]) fragment.append(link(match[3], match[3]));
      else fragment.append(link("tel:+1" + match[4].replace(/\D/g, ""), match[4]));
      last = match.index + match[0].length;
    }
    fragment.append(text.slice(last));
    return fragment;
  }

  function clockTime(ts) {
    const date = new Date(ts);
    return el("time", { datetime: date.toISOString(), text: date.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" }) });
  }

  /* Colours: the configured accent, with text colours chosen to keep WCAG AA contrast. */
  function luminance(rgb) {
    const [r, g, b] = rgb.map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrast(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }

  function applyColours(host, probe) {
    probe.style.color = config.color;
    const match = getComputedStyle(probe).color.match(/\d+(\.\d+)?/g);
    const accent = match ? match.slice(0, 3).map(Number) : [11, 92, 171];
    const white = [255, 255, 255];
    const css = "rgb(" + accent.join(",") + ")";
    host.style.setProperty("--accent", css);
    host.style.setProperty("--on-accent", contrast(accent, white) >= 4.5 ? "#ffffff" : "#111111");
    host.style.setProperty("--link", contrast(accent, [241, 243, 245]) >= 4.5 ? css : "#1a1a1a");
  }

  /* ---------- the widget's DOM, in a shadow root so the host page's CSS cannot leak in ---------- */
  const host = el("div", { id: "clinic-chat-widget", hidden: true });
  const root = host.attachShadow({ mode: "open" });
  const stylesheet = el("link", { rel: "stylesheet", href: new URL("widget.css", assetBase).href });

  const launcherBadge = el("span", { class: "badge", hidden: true });
  const launcher = el("button", {
    type: "button", class: "launcher", "aria-haspopup": "dialog", "aria-expanded": "false",
    "aria-controls": "chat-panel", "aria-label": t("open") + title(),
  }, [svgIcon(ICON_CHAT), el("span", { class: "launcher-label", "aria-hidden": "true", text: t("launcher") }), launcherBadge]);

  const restartButton = el("button", { type: "button", class: "text-button", text: t("startOver") });
  const clearButton = el("button", { type: "button", class: "text-button", text: t("clear") });
  const closeButton = el("button", { type: "button", class: "icon-button", "aria-label": t("close") }, [svgIcon(ICON_CLOSE)]);
  const banner = el("p", { class: "banner", role: "status" });
  const log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": t("conversation"), tabindex: "0" });
  const typing = el("div", { class: "typing", hidden: true, "aria-hidden": "true" },
    [el("span"), el("span"), el("span")]);
  const input = el("textarea", {
    id: "chat-input", rows: "1", maxlength: String(MAX_MESSAGE_LENGTH), autocomplete: "off",
    placeholder: t("placeholder"), enterkeyhint: "send",
  });
  const sendButton = el("button", { type: "submit", class: "send", "aria-label": t("send") }, [svgIcon(ICON_SEND)]);
  const inputLabel = el("label", { for: "chat-input", class: "sr-only", text: t("yourMessage") });
  const form = el("form", { class: "composer" }, [inputLabel, input, sendButton]);
  const titleNode = el("h2", { id: "chat-title", text: title() });
  const subtitle = el("p", { class: "subtitle", text: t("subtitle") });
  const notice = el("p", { id: "chat-notice", class: "notice", text: config.notice || t("notice") });
  const announcer = el("p", { class: "sr-only", role: "status" });
  const panel = el("section", {
    id: "chat-panel", class: "panel", role: "dialog", "aria-modal": "true",
    "aria-labelledby": "chat-title", "aria-describedby": "chat-notice", hidden: true,
  }, [
    el("div", { class: "header" }, [
      el("div", { class: "heading" }, [titleNode, subtitle]),
      restartButton, clearButton, closeButton,
    ]),
    notice,
    banner, log, typing, form, announcer,
  ]);
  const probe = el("span", { hidden: true });
  root.append(stylesheet, launcher, panel, probe);
  panel.lang = widgetLanguage;

  /* The widget's own words in `language` (a bot message in another language switches them). */
  function applyLanguage(language) {
    const code = languageCode(language);
    if (code === widgetLanguage) return;
    widgetLanguage = code;
    store.set("lang", code);
    panel.lang = code;
    launcher.querySelector(".launcher-label").textContent = t("launcher");
    setUnread(state.unread);
    restartButton.textContent = t("startOver");
    clearButton.textContent = t("clear");
    closeButton.setAttribute("aria-label", t("close"));
    log.setAttribute("aria-label", t("conversation"));
    input.placeholder = t("placeholder");
    inputLabel.textContent = t("yourMessage");
    sendButton.setAttribute("aria-label", t("send"));
    titleNode.textContent = title();
    subtitle.textContent = t("subtitle");
    if (!config.notice) notice.textContent = t("notice");
  }

  /* ---------- checklists: a fieldset of native checkboxes, answered once ---------- */
  const isText = (value) => typeof value === "string" && value.length > 0;
  /* A button (quick reply, None of these, Not sure) with just the fields we use, or null. */
  const choice = (reply) => reply && isText(reply.title) && isText(reply.payload)
    ? { title: reply.title, payload: reply.payload } : null;

  /* The checklist of a bot message's custom block, or null (then its text and buttons are shown). */
  function readChecklist(custom) {
    const list = custom && custom.checklist;
    if (!list || !isText(list.q) || !isText(list.legend) || !Array.isArray(list.items)) return null;
    const items = list.items.filter((item) => item && isText(item.key) && isText(item.label))
      .map((item) => ({ key: item.key, label: item.label, note: isText(item.note) ? item.note : "" }));
    const none = choice(list.none);
    const unsure = choice(list.unsure);
    if (!items.length || items.length !== list.items.length || !none || !unsure) return null;
    const done = list.done && isText(list.done.title) ? list.done.title : t("done");
    return { q: list.q, legend: list.legend, items, done, none, unsure, ticked: [], closed: false };
  }

  function answerChecklist(entry, payload, shownAs, ticked) {
    if (entry.checklist.closed) return;  // a second click on a sent checklist
    entry.checklist.ticked = ticked;
    enqueue(payload, shownAs);  // closes the checklist, with everything else the patient could answer
    input.focus();
  }

  function checklistNode(entry) {
    const list = entry.checklist;
    const boxes = list.items.map((item) => el("input", { type: "checkbox", checked: list.ticked.includes(item.key) }));
    const hint = el("p", { class: "checklist-hint", "aria-live": "polite" });
    const done = el("button", { type: "submit", class: "checklist-done", text: list.done });
    const others = [list.none, list.unsure].map((reply) => {
      const button = el("button", { type: "button", class: "choice", text: reply.title });
      button.addEventListener("click", () => answerChecklist(entry, reply.payload, reply.title, []));
      return button;
    });
    const fieldset = el("fieldset", { tabindex: "-1", disabled: list.closed }, [
      el("legend", { text: list.legend }),
      ...list.items.map((item, i) => el("label", { class: "check" }, [
        boxes[i],
        el("span", {}, [item.label, item.note ? el("span", { class: "note", text: " (" + item.note + ")" }) : ""]),
      ])),
      hint,
      el("div", { class: "checklist-actions" }, [done, ...others]),
    ]);
    const checklistForm = el("form", { class: "checklist" }, [fieldset]);
    checklistForm.addEventListener("change", () => { hint.textContent = ""; });
    checklistForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const ticked = list.items.filter((item, i) => boxes[i].checked);
      if (!ticked.length) {  // emptied first, so that a second try is announced again
        hint.textContent = "";
        setTimeout(() => { hint.textContent = t("checklistHint"); }, 100);
        return;
      }
      const yes = ticked.map((item) => item.key);
      answerChecklist(entry, "/answer" + JSON.stringify({ q: list.q, yes }),
        t("ticked") + ticked.map((item) => item.label).join("; "), yes);
    });
    return checklistForm;
  }

  /* ---------- rendering ---------- */
  function entryNode(entry) {
    const who = entry.from === "bot" ? t("assistant") : t("you");
    const bubble = el("div", { class: entry.checklist ? "bubble has-checklist" : "bubble" },
      [el("span", { class: "sr-only", text: who + ": " })]);
    if (entry.checklist) bubble.append(checklistNode(entry));
    else if (entry.text) bubble.append(entry.from === "bot" ? richText(entry.text) : entry.text);
    if (entry.image) bubble.append(el("img", { src: entry.image, alt: entry.imageAlt || t("image") }));
    const meta = el("div", { class: "meta" }, [clockTime(entry.ts)]);
    if (entry.pending) meta.append(el("span", { class: "pending", text: t("waiting") }));
    const row = el("div", { class: "row " + entry.from + (entry.checklist ? " wide" : ""), "data-entry": entry.id,
      lang: entry.lang || widgetLanguage }, [bubble, meta]);
    if (entry.replies && entry.replies.length) {
      const group = el("div", { class: "quick-replies", role: "group", "aria-label": t("suggested") });
      for (const reply of entry.replies) {
        const button = el("button", { type: "button", class: "quick-reply", text: reply.title });
        button.addEventListener("click", () => chooseReply(reply));
        group.append(button);
      }
      row.append(group);
    }
    return row;
  }

  /* A shown entry is only trimmed in place (sent, replies used): replacing it would make
     screen readers announce it again through the live region. */
  function renderEntry(entry) {
    const existing = log.querySelector('[data-entry="' + entry.id + '"]');
    if (!existing) {
      log.append(entryNode(entry));
      log.scrollTop = log.scrollHeight;
      return;
    }
    if (!entry.pending) existing.querySelectorAll(".pending").forEach((node) => node.remove());
    if (!entry.replies || !entry.replies.length) {
      existing.querySelectorAll(".quick-replies").forEach((node) => node.remove());
    }
    if (entry.checklist && entry.checklist.closed) existing.querySelector("fieldset").disabled = true;
  }

  function renderAll() {
    log.replaceChildren(...state.transcript.map(entryNode));
    log.scrollTop = log.scrollHeight;
  }

  function addEntry(entry) {
    state.transcript.push(entry);
    saveTranscript();
    renderEntry(entry);
  }

  /* Once the patient answers or the bot asks again, older quick replies go and checklists close. */
  function retireAnswerables() {
    for (const entry of state.transcript) {
      const open = entry.checklist && !entry.checklist.closed;
      if (open || (entry.replies && entry.replies.length)) {
        entry.replies = [];
        if (open) entry.checklist.closed = true;
        renderEntry(entry);
      }
    }
  }

  function setTyping(on) {
    typing.hidden = !on;
    if (on) log.scrollTop = log.scrollHeight;
  }

  let bannerTimer = null;
  function setBanner(text, kind) {
    clearTimeout(bannerTimer);
    banner.textContent = text;
    banner.className = "banner" + (kind ? " " + kind : "");
    if (kind === "online") bannerTimer = setTimeout(() => setBanner("", ""), 3000);
  }

  function setUnread(count) {
    state.unread = count;
    launcherBadge.hidden = count === 0;
    launcherBadge.textContent = count ? String(count) : "";
    launcher.setAttribute("aria-label", t("open") + title() + (count ? " (" + count + t("unread") + ")" : ""));
  }

  /* ---------- sending: queue, send one at a time once the session is confirmed, never twice ---------- */
  function enqueue(message, shownAs) {
    const item = { id: newId(), message };
    if (shownAs !== null) {
      retireAnswerables();
      addEntry({ id: item.id, from: "user", text: shownAs, ts: Date.now(), pending: true, lang: widgetLanguage });
    }
    state.outbox.push(item);
    store.set("outbox", state.outbox);
    flush();
  }

  function markSent(id) {
    const entry = state.transcript.find((e) => e.id === id);
    if (entry && entry.pending) {
      delete entry.pending;
      saveTranscript();
      renderEntry(entry);
    }
  }

  function flush() {
    const socket = state.socket;
    if (!state.ready || !socket || !socket.connected || state.inflight || !state.outbox.length) return;
    const item = state.outbox.shift();
    store.set("outbox", state.outbox);  // removed before sending: a lost send is never repeated
    state.inflight = item.id;
    markSent(item.id);
    setTyping(true);
    socket.timeout(REPLY_TIMEOUT_MS).emit("user_uttered", {
      message: item.message, session_id: state.sessionId, metadata: { message_id: item.id, language: pageLanguage },
    }, () => {  // the channel answers once the bot's turn is over (or the socket dropped)
      if (state.inflight === item.id) {
        state.inflight = null;
        setTyping(false);
        flush();
      }
    });
  }

  function chooseReply(reply) {
    enqueue(reply.payload, reply.title);
    input.focus();
  }

  function sendTyped() {
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    enqueue(text.slice(0, MAX_MESSAGE_LENGTH), text.slice(0, MAX_MESSAGE_LENGTH));
  }

  function startOver() {
    state.transcript = [];
    state.outbox = [];
    saveTranscript();
    store.set("outbox", state.outbox);
    renderAll();
    enqueue("/restart", null);
    if (config.initialMessage) enqueue(config.initialMessage, null);
    announcer.textContent = t("cleared");
    input.focus();
  }

  /* Wipe this browser's copy of the conversation and its session; a new session is asked for. */
  function forgetHere(announcement) {
    state.transcript = [];
    state.outbox = [];
    state.sessionId = null;
    state.inflight = null;
    saveTranscript();
    store.set("outbox", state.outbox);
    store.set("session", null);
    renderAll();
    announcer.textContent = announcement;
    if (state.socket && state.socket.connected) {
      state.ready = false;
      state.socket.emit("session_request", { session_id: null });
    }
  }

  /* True when the last message is older than the hours the browser may keep it. */
  function historyExpired() {
    const last = state.transcript[state.transcript.length - 1];
    return Boolean(last && Date.now() - last.ts > state.historyHours * HOUR_MS);
  }

  /* Forget an expired conversation; true when it did. */
  function expireHistory() {
    if (!historyExpired()) return false;
    forgetHere(t("expired"));
    return true;
  }

  function clearConversation() {
    forgetHere(t("removed"));
    input.focus();
  }

  /* ---------- receiving ---------- */
  function onBotMessage(message) {
    if (!message || typeof message !== "object") return;
    if (message.custom && message.custom.session_ended === true) {
      forgetHere(t("deleted"));
      return;
    }
    const replies = (message.quick_replies || message.buttons || []).map(choice).filter(Boolean);
    const image = message.attachment && message.attachment.type === "image" && message.attachment.payload &&
      /^https?:\/\//.test(message.attachment.payload.src || "") ? message.attachment.payload.src : null;
    const checklist = readChecklist(message.custom);
    const text = typeof message.text === "string" && !checklist ? message.text : "";
    if (!text && !image && !replies.length && !checklist) return;
    if (isText(message.lang)) applyLanguage(message.lang);
    if (replies.length || checklist) retireAnswerables();
    const entry = { id: newId(), from: "bot", text, image, replies: checklist ? [] : replies, checklist, ts: Date.now(),
      lang: widgetLanguage };
    addEntry(entry);
    if (!state.isOpen) setUnread(state.unread + 1);
    else if (checklist) log.querySelector('[data-entry="' + entry.id + '"] fieldset').focus();
  }

  function onSessionConfirm(confirmed) {
    const id = typeof confirmed === "string" ? confirmed : confirmed && confirmed.session_id;
    if (!id) return;
    const hours = confirmed && confirmed.history_hours;
    if (Number.isInteger(hours) && hours > 0) {
      state.historyHours = hours;
      store.set("history_hours", hours);
      if (expireHistory()) return;  // a fresh session was asked for; its confirmation follows
    }
    if (state.sessionId && id !== state.sessionId) {  // the server refused our id: a new conversation
      state.transcript = [];
      saveTranscript();
      renderAll();
    }
    state.sessionId = id;
    store.set("session", id);
    state.ready = true;
    if (state.everConnected) setBanner(t("online"), "online");
    else setBanner("", "");
    state.everConnected = true;
    if (!state.transcript.length && !state.outbox.length && config.initialMessage) {
      enqueue(config.initialMessage, null);
    } else {
      flush();
    }
  }

  function onConnectionLost() {
    state.ready = false;
    state.inflight = null;
    setTyping(false);
    setBanner(t("offline"), "offline");
  }

  let connecting = null;
  function connect() {
    if (connecting) return connecting;
    connecting = import(new URL("socket.io.esm.min.js", assetBase).href).then(({ io }) => {
      const socket = io(config.server, {
        path: config.socketPath,
        transports: ["websocket"],
        reconnectionDelay: 1000,
        reconnectionDelayMax: 15000,
        randomizationFactor: 0.5,
      });
      state.socket = socket;
      socket.on("connect", () => socket.emit("session_request", { session_id: state.sessionId }));
      socket.on("session_confirm", onSessionConfirm);
      socket.on("bot_uttered", onBotMessage);
      socket.on("disconnect", onConnectionLost);
      socket.on("connect_error", onConnectionLost);
    }).catch(() => setBanner(t("failed"), "offline"));
    return connecting;
  }

  /* ---------- opening, closing and the keyboard ---------- */
  function focusables() {
    return Array.from(panel.querySelectorAll("button:not(:disabled), input:not(:disabled), textarea, a[href], [tabindex='0']"))
      .filter((node) => node.getClientRects().length > 0);
  }

  function open() {
    state.isOpen = true;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    host.setAttribute("data-open", "");
    setUnread(0);
    store.set("open", true);
    log.scrollTop = log.scrollHeight;
    input.focus();
    connect();
  }

  function close() {
    state.isOpen = false;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    host.removeAttribute("data-open");
    store.set("open", false);
    launcher.focus();
  }

  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      const items = focusables();
      if (!items.length) return;
      const first = items[0];
      const last = items[items.length - 1];
      const active = root.activeElement;
      if (event.shiftKey && (active === first || !panel.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !panel.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    }
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendTyped();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendTyped();
    input.focus();
  });
  launcher.addEventListener("click", open);
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", startOver);
  clearButton.addEventListener("click", clearConversation);

  /* ---------- start ---------- */
  function mount() {
    expireHistory();
    setInterval(expireHistory, 60 * 1000);
    document.body.append(host);
    applyColours(host, probe);
    renderAll();
    const reveal = () => {
      host.hidden = false;
      if (performance.mark) performance.mark("clinic-chat-launcher-ready");
      host.dispatchEvent(new CustomEvent("clinic-chat:ready", { bubbles: true }));
      if (config.open || store.get("open", false)) open();
      else if (state.sessionId && (state.transcript.length || state.outbox.length)) connect();
    };
    if (stylesheet.sheet) reveal();
    else {
      stylesheet.addEventListener("load", reveal, { once: true });
      stylesheet.addEventListener("error", reveal, { once: true });
    }
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();

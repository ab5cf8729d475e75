/* botd chat widget: embeddable customer chat for WS /ws/chat (bot/PROTOCOL.md).
 *
 *   <link rel="stylesheet" href="/widget.css">
 *   <script src="/widget.js"></script>
 *   <script>BotdChat.mount(document.getElementById('chat'), {token: '...', lang: 'ko'});</script>
 *
 * or declaratively: <div data-botd-chat data-token="..." data-lang="en"></div>.
 *
 * Options: token (string) or getToken (async () => string, called again when
 * a token is refused so the host can mint a fresh one), lang ('ko' | 'en'),
 * server (base http(s) URL of botd; default: where widget.js came from),
 * title, autofocus. Returns a handle {destroy(), state()}.
 *
 * The conversation id, the last seq and a copy of the transcript live in
 * sessionStorage, keyed by the token's member, so a reload resumes with
 * after_seq and renders without a round trip. Messages not yet acknowledged
 * are kept there too and re-sent with the same id after a reconnect; the
 * server acknowledges a retried id with its original seq and answers it once.
 *
 * Connection: "online" only between a `welcome` and the socket's end. When
 * the browser reports no network (navigator.onLine false, the `offline`
 * event) the socket is closed at once, because it can no longer be trusted,
 * and nothing is tried until the `online` event; then the widget reconnects
 * with backoff and resumes with after_seq. Messages typed meanwhile wait in
 * the log with a mark saying they go out when the connection is back, and go
 * out once, in order, with the ids they were given when typed.
 *
 * Scrolling: the log keeps its newest item in view while the customer has not
 * scrolled away from it, and whenever a card (the queue card, the offline
 * banner, quick replies, the typing line) appears. A newest item taller than
 * the log is shown from its first line.
 */
(function () {
  'use strict';

  var SCRIPT_SRC = (document.currentScript && document.currentScript.src) || '';

  var STR = {
    ko: {
      title: '광고 결제 상담',
      bot: '상담봇',
      agent: '상담직원',
      you: '나',
      placeholder: '메시지를 입력하세요',
      inputLabel: '보낼 메시지',
      send: '보내기',
      log: '상담 대화',
      connecting: '연결 중…',
      online: '연결됨',
      offline: '연결이 끊어졌어요. 다시 연결하는 중이에요…',
      offlineShort: '연결 끊김 · 다시 연결하는 중',
      offlineNet: '인터넷 연결이 없어요. 연결되면 이어서 보내 드릴게요.',
      offlineNetShort: '인터넷 연결 없음',
      retryIn: function (s) { return s + '초 후 다시 연결'; },
      retryNow: '지금 다시 연결',
      expired: '로그인이 만료되었어요. 페이지를 새로고침해 주세요.',
      pending: '보내는 중',
      held: '연결되면 보내요',
      typing: function (who) { return who + '님이 입력하고 있어요'; },
      botTyping: '답변을 준비하고 있어요',
      queued: function (p) { return '상담직원 연결 대기 중 · ' + p + '번째'; },
      queuedNoPos: '상담직원 연결 대기 중',
      eta: function (m) { return '예상 대기 시간 약 ' + m; },
      noEstimate: '예상 대기 시간은 아직 알 수 없어요.',
      minutes: function (n) { return n < 1 ? '1분 미만' : n + '분'; },
      hours: function (h, m) { return h + '시간' + (m ? ' ' + m + '분' : ''); },
      closedHours: '지금은 상담 시간이 아니에요.',
      noAgents: '지금 연결할 수 있는 상담직원이 없어요.',
      returnsAt: function (t) { return t + '부터 순서대로 연결해 드릴게요.'; },
      noReturn: '상담직원이 접속하는 대로 순서대로 연결해 드릴게요.',
      stale: '연결이 끊겨 있어 대기 정보가 바뀌었을 수 있어요.',
      waitingTitle: '상담직원을 기다리고 있어요',
      joined: function (n) { return n + ' 상담직원이 연결되었어요.'; },
      withAgent: function (n) { return n + ' 상담직원과 대화 중'; },
      rateTitle: '상담 만족도',
      rateScore: function (n) { return n + '점'; },
      quick: '빠른 답변',
      newer: '새 메시지 보기',
      newConv: '새 상담 시작',
      today: '오늘',
      errors: {
        rate_limited: '메시지를 너무 빨리 보내고 있어요. 잠시 후 다시 보내 주세요.',
        bad_shape: '보낼 수 없는 메시지예요 (너무 길거나 비어 있어요).',
        server_error: '메시지를 저장하지 못했어요. 다시 보내는 중이에요.',
        server_full: '지금 접속자가 많아요. 잠시 후 다시 연결할게요.',
        forbidden: '이전 대화를 이어갈 수 없어 새 상담을 시작해요.'
      }
    },
    en: {
      title: 'Billing support',
      bot: 'Assistant',
      agent: 'Agent',
      you: 'You',
      placeholder: 'Type a message',
      inputLabel: 'Message to send',
      send: 'Send',
      log: 'Conversation',
      connecting: 'Connecting…',
      online: 'Connected',
      offline: 'Connection lost. Reconnecting…',
      offlineShort: 'Disconnected · reconnecting',
      offlineNet: 'You are offline. Messages will be sent when you are back online.',
      offlineNetShort: 'No internet connection',
      retryIn: function (s) { return 'Retrying in ' + s + ' s'; },
      retryNow: 'Retry now',
      expired: 'Your session has expired. Please reload the page.',
      pending: 'Sending',
      held: 'Sends when back online',
      typing: function (who) { return who + ' is typing'; },
      botTyping: 'Preparing an answer',
      queued: function (p) { return 'Waiting for an agent · #' + p + ' in line'; },
      queuedNoPos: 'Waiting for an agent',
      eta: function (m) { return 'Estimated wait about ' + m; },
      noEstimate: 'No wait estimate yet.',
      minutes: function (n) { return n < 1 ? 'under a minute' : n + (n === 1 ? ' minute' : ' minutes'); },
      hours: function (h, m) { return h + ' h' + (m ? ' ' + m + ' min' : ''); },
      closedHours: 'We are outside our support hours.',
      noAgents: 'No agent is available right now.',
      returnsAt: function (t) { return 'We will connect you in turn from ' + t + '.'; },
      noReturn: 'We will connect you in turn as soon as an agent is available.',
      stale: 'You are offline, so this may have changed.',
      waitingTitle: 'Waiting for an agent',
      joined: function (n) { return n + ' has joined the conversation.'; },
      withAgent: function (n) { return 'Talking with ' + n; },
      rateTitle: 'Rating',
      rateScore: function (n) { return n + (n === 1 ? ' point' : ' points'); },
      quick: 'Suggested replies',
      newer: 'Show new messages',
      newConv: 'Start a new conversation',
      today: 'Today',
      errors: {
        rate_limited: 'You are sending messages too quickly. Please wait a moment.',
        bad_shape: 'That message cannot be sent (too long or empty).',
        server_error: 'The message could not be saved. Retrying.',
        server_full: 'The service is busy. Reconnecting shortly.',
        forbidden: 'The previous conversation cannot be continued; starting a new one.'
      }
    }
  };

  var TZ = 'Asia/Seoul';
  var PING_MS = 25000;
  var PONG_TIMEOUT_MS = 10000;
  var BACKOFF = [500, 1000, 2000, 4000, 8000, 15000];

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] == null || attrs[k] === false) continue;
        if (k === 'text') e.textContent = attrs[k];
        else if (k === 'class') e.className = attrs[k];
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
        else e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
      }
    }
    (children || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  function tokenSubject(tok) {
    try {
      var p = tok.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      while (p.length % 4) p += '=';
      var json = decodeURIComponent(Array.prototype.map.call(atob(p), function (c) {
        return '%' + ('00' + c.charCodeAt(0).toString(16)).slice(-2);
      }).join(''));
      return JSON.parse(json).sub || 'anon';
    } catch (e) { return 'anon'; }
  }

  function wsBase(server) {
    var base = server || (SCRIPT_SRC ? SCRIPT_SRC.replace(/\/[^/]*$/, '') : location.origin);
    return base.replace(/^http/, 'ws').replace(/\/$/, '');
  }

  function safeStorage() {
    try { var s = window.sessionStorage; s.setItem('botd.t', '1'); s.removeItem('botd.t'); return s; } catch (e) { return null; }
  }

  function Chat(root, opts) {
    this.root = root;
    this.opts = opts || {};
    this.lang = (this.opts.lang || document.documentElement.lang || 'ko').slice(0, 2) === 'en' ? 'en' : 'ko';
    this.t = STR[this.lang];
    this.token = this.opts.token || null;
    this.store = safeStorage();
    this.ws = null;
    this.attempt = 0;
    this.timers = {};
    this.destroyed = false;
    this.conn = 'connecting';
    this.netDown = navigator.onLine === false;
    this.retryAt = 0;
    this.skew = null; // server clock minus ours (ms), from the times the server stamps
    this.fmtTime = new Intl.DateTimeFormat(this.lang === 'en' ? 'en-US' : 'ko-KR', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
    this.fmtDay = new Intl.DateTimeFormat(this.lang === 'en' ? 'en-US' : 'ko-KR', { timeZone: TZ, year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' });
    this.fmtWhen = new Intl.DateTimeFormat(this.lang === 'en' ? 'en-US' : 'ko-KR', { timeZone: TZ, month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' });
    this.build();
    var self = this;
    this.onOnline = function () { self.networkUp(); };
    this.onOffline = function () { self.networkDown(); };
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.start();
  }

  /* Gets the token (from the options or the host's getToken), then connects.
   * A token that cannot be fetched for want of a network is fetched again
   * when the network is back; any other failure is final. */
  Chat.prototype.start = function () {
    var self = this;
    this.needToken = false;
    Promise.resolve(this.token || this.fetchToken()).then(function (tok) {
      if (self.destroyed) return;
      self.token = tok;
      self.key = 'botd.chat.' + tokenSubject(tok);
      self.load();
      self.renderAll();
      self.connect();
    }).catch(function () {
      if (self.destroyed) return;
      if (navigator.onLine === false) { self.needToken = true; self.networkDown(); } else self.setConn('expired');
    });
  };

  Chat.prototype.fetchToken = function () {
    if (typeof this.opts.getToken === 'function') return Promise.resolve(this.opts.getToken());
    return Promise.reject(new Error('no token'));
  };

  /* Now on the server's clock: local-only records (a message not yet
   * acknowledged, a notice) sort and group by day with the stored ones. */
  Chat.prototype.now = function () { return Date.now() + (this.skew || 0); };

  Chat.prototype.learnClock = function (at) {
    var ms = at ? Date.parse(at) : NaN;
    if (!isNaN(ms)) this.skew = ms - Date.now();
  };

  /* ---- persisted state ----------------------------------------------------- */

  Chat.prototype.blank = function () {
    return { conversation: null, lastSeq: 0, msgs: [], pending: [], state: 'bot', queue: null, agent: null, quick: null, rated: null, nextId: 1 };
  };

  Chat.prototype.load = function () {
    this.s = this.blank();
    if (!this.store) return;
    try {
      var raw = this.store.getItem(this.key);
      if (raw) {
        var v = JSON.parse(raw);
        for (var k in v) if (k in this.s) this.s[k] = v[k];
        if (this.skew == null && typeof v.skew === 'number') this.skew = v.skew;
      }
    } catch (e) { /* a broken cache is just no cache */ }
  };

  Chat.prototype.save = function () {
    if (!this.store || !this.key) return;
    var v = {};
    for (var k in this.s) v[k] = this.s[k];
    if (this.skew != null) v.skew = this.skew;
    try { this.store.setItem(this.key, JSON.stringify(v)); } catch (e) { /* quota: we can still resume from seq 0 */ }
  };

  /* ---- DOM ----------------------------------------------------------------- */

  Chat.prototype.build = function () {
    var t = this.t, self = this;
    this.root.classList.add('botd-chat');
    this.root.setAttribute('lang', this.lang);
    this.root.textContent = '';
    this.titleId = 'botd-title-' + Math.random().toString(36).slice(2, 8);
    this.statusDot = el('span', { class: 'botd-dot', 'aria-hidden': 'true' });
    this.subtitle = el('span', { class: 'botd-subtitle' });
    this.header = el('header', { class: 'botd-header' }, [
      el('div', { class: 'botd-avatar', 'aria-hidden': 'true' }, [el('span', { text: 'B' })]),
      el('div', { class: 'botd-heading' }, [
        el('h2', { id: this.titleId, class: 'botd-title', text: this.opts.title || t.title }),
        el('div', { class: 'botd-sub' }, [this.statusDot, this.subtitle])
      ])
    ]);
    this.banner = el('div', { class: 'botd-banner', role: 'status', 'aria-live': 'polite', hidden: true });
    this.queueCard = el('div', { class: 'botd-queue', role: 'status', 'aria-live': 'polite', hidden: true });
    this.log = el('div', { class: 'botd-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': t.log, tabindex: '0' });
    this.newerBtn = el('button', { type: 'button', class: 'botd-newer', hidden: true, text: t.newer, onclick: function () { self.reveal(); self.input.focus(); } });
    this.logWrap = el('div', { class: 'botd-logwrap' }, [this.log, this.newerBtn]);
    this.typingEl = el('div', { class: 'botd-typing', 'aria-live': 'polite', hidden: true });
    this.quickEl = el('div', { class: 'botd-quick', role: 'group', 'aria-label': t.quick, hidden: true });
    var inputId = 'botd-input-' + Math.random().toString(36).slice(2, 8);
    this.input = el('textarea', { id: inputId, class: 'botd-input', rows: '1', placeholder: t.placeholder, maxlength: '2000', autocomplete: 'off' });
    this.sendBtn = el('button', { type: 'submit', class: 'botd-send', 'aria-label': t.send, title: t.send }, [
      svg('M3.4 20.4 21 12 3.4 3.6 3.4 10.1 15 12 3.4 13.9z')
    ]);
    this.form = el('form', { class: 'botd-composer', onsubmit: function (e) { e.preventDefault(); self.sendText(); } }, [
      el('label', { for: inputId, class: 'botd-sr', text: t.inputLabel }),
      this.input, this.sendBtn
    ]);
    this.input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); self.sendText(); }
    });
    this.input.addEventListener('input', function () { self.autosize(); self.typingOn(); });
    this.input.addEventListener('blur', function () { self.typingOff(); });
    // The customer's own scrolling decides whether new items pull the log down.
    this.follow = true;
    this.log.addEventListener('scroll', function () {
      self.follow = self.atNewest();
      if (self.follow) self.newerBtn.hidden = true;
    });
    // The log shrinks when the window or the on-screen keyboard does.
    if (typeof ResizeObserver === 'function') {
      this.resizer = new ResizeObserver(function () { if (self.follow) self.reveal(); });
      this.resizer.observe(this.log);
    }
    var panel = el('section', { class: 'botd-panel', 'aria-labelledby': this.titleId }, [
      this.header, this.banner, this.queueCard, this.logWrap, this.typingEl, this.quickEl, this.form
    ]);
    this.root.appendChild(panel);
    if (this.opts.autofocus) this.input.focus();
    this.renderStatus();
  };

  function svg(d) {
    var ns = 'http://www.w3.org/2000/svg';
    var s = document.createElementNS(ns, 'svg');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('aria-hidden', 'true');
    s.setAttribute('focusable', 'false');
    var p = document.createElementNS(ns, 'path');
    p.setAttribute('d', d);
    s.appendChild(p);
    return s;
  }

  Chat.prototype.autosize = function () {
    this.layout(function () {
      this.input.style.height = 'auto';
      this.input.style.height = Math.min(this.input.scrollHeight, 140) + 'px';
    });
  };

  /* ---- scrolling ----------------------------------------------------------- */

  Chat.prototype.newest = function () {
    var n = this.log.lastElementChild;
    while (n && n.classList.contains('botd-day')) n = n.previousElementSibling;
    return n;
  };

  /* The newest item is (partly) in view, or the log is at its end. */
  Chat.prototype.atNewest = function () {
    var log = this.log;
    if (log.scrollHeight - log.scrollTop - log.clientHeight < 24) return true;
    var n = this.newest();
    if (!n) return true;
    return n.offsetTop < log.scrollTop + log.clientHeight && n.offsetTop + n.offsetHeight > log.scrollTop;
  };

  /* Brings the newest item into view: all of it when it fits, else from its
   * first line (never past it; a customer already reading further down it
   * stays where they are). */
  Chat.prototype.reveal = function () {
    var log = this.log, n = this.newest();
    var end = log.scrollHeight - log.clientHeight;
    if (!n) { log.scrollTop = end; return; }
    var pad = 8;
    var top = Math.max(0, n.offsetTop - pad);
    if (n.offsetHeight + 2 * pad <= log.clientHeight) log.scrollTop = end;
    else if (log.scrollTop < top || log.scrollTop > n.offsetTop + n.offsetHeight) log.scrollTop = Math.min(top, end);
    this.follow = true;
    this.newerBtn.hidden = true;
  };

  /* Runs FN (a change that may move or resize the log), keeping the newest
   * item in view if it was, or always when REVEAL says so (a card appeared). */
  Chat.prototype.layout = function (fn, reveal) {
    var stick = this.atNewest();
    fn.call(this);
    if (stick || reveal) this.reveal();
  };

  Chat.prototype.dayKey = function (ms) { return this.fmtDay.format(new Date(ms)); };

  /* Day separators follow the messages in the log: rebuilt after every change,
   * so a message that moves (a pending one settling with the server's time)
   * leaves no stale separator behind. */
  Chat.prototype.fixDays = function () {
    var log = this.log, last = null, n = log.firstElementChild;
    while (n) {
      var next = n.nextElementSibling;
      if (n.classList.contains('botd-day')) { log.removeChild(n); n = next; continue; }
      var day = n.getAttribute('data-day');
      if (day && day !== last) {
        log.insertBefore(el('div', { class: 'botd-day', 'aria-hidden': 'true' }, [el('span', { text: day })]), n);
        last = day;
      }
      n = next;
    }
  };

  Chat.prototype.renderAll = function () {
    this.log.textContent = '';
    var self = this;
    this.s.msgs.forEach(function (m) { self.log.appendChild(self.msgNode(m)); });
    this.s.pending.forEach(function (p) { self.log.appendChild(self.msgNode(p)); });
    this.fixDays();
    this.renderQueue();
    this.renderQuick();
    this.renderStatus();
    this.follow = true;
    this.reveal();
  };

  /* A message record: {seq, from: customer|bot|agent|system, text, name, at (ms), id, pending}. */
  Chat.prototype.msgNode = function (m) {
    var t = this.t;
    var day = this.dayKey(m.at);
    if (m.from === 'system') {
      return el('div', { class: 'botd-system', 'data-seq': m.seq != null ? String(m.seq) : null, 'data-day': day }, [el('span', { text: m.text })]);
    }
    var mine = m.from === 'customer';
    var who = mine ? t.you : m.from === 'agent' ? (m.name || t.agent) : t.bot;
    var time = el('time', { class: 'botd-time', datetime: new Date(m.at).toISOString(), text: this.fmtTime.format(new Date(m.at)) });
    var state = null;
    if (mine) state = el('span', { class: 'botd-state', text: m.pending ? this.pendingText() : '' });
    var row = el('div', {
      class: 'botd-msg botd-' + m.from + (m.pending ? ' botd-pending' + (this.conn === 'online' ? '' : ' botd-held') : ''),
      'data-seq': m.seq != null ? String(m.seq) : null,
      'data-id': m.id || null,
      'data-day': day
    }, [
      mine ? null : el('div', { class: 'botd-who', 'aria-hidden': 'true', text: who }),
      el('div', { class: 'botd-line' }, [
        el('div', { class: 'botd-bubble' }, [el('span', { class: 'botd-sr', text: who + ': ' }), el('span', { class: 'botd-text', text: m.text })]),
        el('div', { class: 'botd-meta' }, [state, time])
      ])
    ]);
    return row;
  };

  /* A pending message is "sending" only while a connection could take it. */
  Chat.prototype.pendingText = function () { return this.conn === 'online' ? this.t.pending : this.t.held; };

  Chat.prototype.renderPending = function () {
    var held = this.conn !== 'online', text = this.pendingText();
    var nodes = this.log.querySelectorAll('.botd-pending');
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].classList.toggle('botd-held', held);
      var st = nodes[i].querySelector('.botd-state');
      if (st && !nodes[i].classList.contains('botd-failed')) st.textContent = text;
    }
  };

  Chat.prototype.appendMsg = function (m, reveal) {
    var node = this.msgNode(m);
    var incoming = m.from !== 'customer';
    var stick = this.atNewest();
    // Stored messages are kept in seq order; a pending one always goes last.
    if (m.seq != null) {
      var after = null;
      var nodes = this.log.querySelectorAll('[data-seq], .botd-pending');
      for (var i = 0; i < nodes.length; i++) {
        var n = nodes[i];
        if (n.classList.contains('botd-pending') || Number(n.getAttribute('data-seq')) > m.seq) { after = n; break; }
      }
      if (after) this.log.insertBefore(node, after); else this.log.appendChild(node);
    } else {
      this.log.appendChild(node);
    }
    this.fixDays();
    if (stick || reveal) this.reveal();
    else if (incoming && node === this.newest()) this.newerBtn.hidden = false;
    return node;
  };

  Chat.prototype.removePending = function (id) {
    var n = this.log.querySelector('.botd-pending[data-id="' + cssEsc(id) + '"]');
    if (n) { n.parentNode.removeChild(n); this.fixDays(); }
  };

  Chat.prototype.hasSeq = function (seq) {
    for (var i = 0; i < this.s.msgs.length; i++) if (this.s.msgs[i].seq === seq) return true;
    return false;
  };

  Chat.prototype.addStored = function (m) {
    if (m.seq != null) {
      if (this.hasSeq(m.seq)) return false;
      if (m.seq > this.s.lastSeq) this.s.lastSeq = m.seq;
      var i = this.s.msgs.length;
      while (i > 0 && this.s.msgs[i - 1].seq > m.seq) i--;
      this.s.msgs.splice(i, 0, m);
    } else {
      this.s.msgs.push(m);
    }
    this.appendMsg(m);
    return true;
  };

  Chat.prototype.system = function (text) {
    var m = { from: 'system', text: text, at: this.now() };
    this.s.msgs.push(m);
    this.appendMsg(m);
  };

  Chat.prototype.setConn = function (c) {
    var was = this.conn;
    this.conn = c;
    if (c !== 'online') this.showTyping(null); // no answer can come now
    this.renderStatus();
    if (was !== c) { this.renderPending(); this.renderQueue(); }
  };

  Chat.prototype.renderStatus = function () {
    var t = this.t, s = this.s || this.blank(), self = this;
    var st = this.conn;
    this.root.setAttribute('data-conn', st);
    this.root.setAttribute('data-state', s.state);
    if (this.netDown) this.root.setAttribute('data-net', 'down'); else this.root.removeAttribute('data-net');
    var sub;
    if (st === 'online') {
      if (s.state === 'agent' && s.agent) sub = t.withAgent(s.agent);
      else if (s.state === 'queued') sub = t.waitingTitle;
      else sub = t.online;
    } else if (st === 'expired') sub = t.expired;
    else if (st === 'offline') sub = this.netDown ? t.offlineNetShort : t.offlineShort;
    else sub = this.netDown ? t.offlineNetShort : t.connecting;
    this.subtitle.textContent = sub;
    var down = st === 'offline' || st === 'expired' || (st === 'connecting' && this.netDown);
    this.layout(function () {
      this.banner.hidden = !down;
      this.banner.textContent = '';
      if (down) {
        this.banner.appendChild(el('span', { text: st === 'expired' ? t.expired : this.netDown ? t.offlineNet : t.offline }));
        if (st === 'offline' && !this.netDown) {
          var left = Math.ceil((this.retryAt - Date.now()) / 1000);
          this.banner.appendChild(el('span', { class: 'botd-retry' }, [
            left >= 2 ? el('span', { class: 'botd-retry-in', text: t.retryIn(left) }) : null,
            el('button', { type: 'button', class: 'botd-link', text: t.retryNow, onclick: function () { self.connectNow(); } })
          ]));
        }
      }
    }, down && this.banner.hidden);
    this.input.disabled = st === 'expired';
    this.sendBtn.disabled = st === 'expired';
  };

  /* What the queue card says, as a pure function of the latest `queued`
   * frame Q (position, eta_s, agents_online, open, returns_at; in_hours when
   * the server sends it), the strings T and a time formatter WHEN. A number
   * the frame does not carry is never made up here. Returns {title, lines,
   * busy}: busy is whether a spinner may promise that the line is moving. */
  function queueView(q, t, when) {
    var lines = [];
    var title = typeof q.position === 'number' && q.position > 0 ? t.queued(q.position) : t.queuedNoPos;
    if (q.open === false) {
      // Outside business hours, or nobody online. Without in_hours, agents
      // online while not open can only mean the hours are closed.
      var closedHours = q.in_hours === false || (q.in_hours == null && q.agents_online > 0);
      lines.push(closedHours ? t.closedHours : t.noAgents);
      lines.push(q.returns_at && !isNaN(Date.parse(q.returns_at)) ? t.returnsAt(when(q.returns_at)) : t.noReturn);
      return { title: title, lines: lines, busy: false };
    }
    if (typeof q.eta_s === 'number' && q.eta_s >= 0) {
      var mins = Math.round(q.eta_s / 60);
      lines.push(t.eta(mins >= 60 ? t.hours(Math.floor(mins / 60), mins % 60) : t.minutes(mins)));
    } else {
      lines.push(t.noEstimate);
    }
    return { title: title, lines: lines, busy: true };
  }

  Chat.prototype.renderQueue = function () {
    if (!this.s) return;
    var t = this.t, q = this.s.queue, self = this;
    var show = !!(this.s.state === 'queued' && q);
    this.layout(function () {
      this.queueCard.hidden = !show;
      this.queueCard.textContent = '';
      if (!show) return;
      var v = queueView(q, t, function (iso) { return self.fmtWhen.format(new Date(iso)); });
      var live = this.conn === 'online';
      var lines = [el('strong', { class: 'botd-q-pos', text: v.title })];
      v.lines.forEach(function (l) { lines.push(el('span', { text: l })); });
      if (!live) lines.push(el('span', { class: 'botd-q-stale', text: t.stale }));
      this.queueCard.classList.toggle('botd-q-stale-card', !live);
      this.queueCard.appendChild(el('div', { class: v.busy && live ? 'botd-q-spin' : 'botd-q-clock', 'aria-hidden': 'true' }));
      this.queueCard.appendChild(el('div', { class: 'botd-q-text' }, lines));
    }, show && this.queueCard.hidden);
  };

  function isRating(q) {
    return !!(q && q.length && q.every(function (r) { return /^rating:[1-5]$/.test(r.value); }));
  }

  Chat.prototype.renderQuick = function () {
    if (!this.s) return;
    var q = this.s.quick;
    var show = !!(q && q.length && !(isRating(q) && this.s.rated));
    this.layout(function () { this.renderQuickInner(show); }, show && this.quickEl.hidden);
  };

  /* Quick replies under the newest bot message. A rating question's replies
   * (values rating:1..5) are drawn as a 1-5 scale; the question itself is the
   * bot's message, as in KakaoTalk, and is not repeated here. */
  Chat.prototype.renderQuickInner = function (show) {
    var t = this.t, self = this, q = this.s.quick;
    this.quickEl.textContent = '';
    this.quickEl.className = 'botd-quick';
    this.quickEl.setAttribute('aria-label', t.quick);
    this.quickEl.hidden = !show;
    if (!show) return;
    if (isRating(q)) {
      this.quickEl.className = 'botd-quick botd-rate';
      this.quickEl.setAttribute('aria-label', t.rateTitle);
      q.forEach(function (r) {
        var n = Number(r.value.slice(7));
        self.quickEl.appendChild(el('button', {
          type: 'button', class: 'botd-star', 'data-score': String(n), 'aria-label': t.rateScore(n), title: t.rateScore(n),
          onclick: function () { self.rate(n, r); }
        }, [el('span', { 'aria-hidden': 'true', text: '★' }), el('span', { class: 'botd-star-n', 'aria-hidden': 'true', text: String(n) })]));
      });
      return;
    }
    q.forEach(function (r) {
      self.quickEl.appendChild(el('button', {
        type: 'button', class: 'botd-chip' + (r.value === 'agent' ? ' botd-chip-agent' : ''), text: r.label,
        onclick: function () { self.send(r.label, r.value); self.input.focus(); }
      }));
    });
  };

  Chat.prototype.showTyping = function (text, ms) {
    var self = this;
    clearTimeout(this.timers.typing);
    this.layout(function () {
      if (!text) { this.typingEl.hidden = true; this.typingEl.textContent = ''; return; }
      this.typingEl.hidden = false;
      this.typingEl.textContent = '';
      this.typingEl.appendChild(el('span', { class: 'botd-dots', 'aria-hidden': 'true' }, [el('i'), el('i'), el('i')]));
      this.typingEl.appendChild(el('span', { text: text }));
    });
    if (text) this.timers.typing = setTimeout(function () { self.showTyping(null); }, ms || 5000);
  };

  /* ---- sending ------------------------------------------------------------- */

  Chat.prototype.newId = function () {
    var n = this.s.nextId++;
    return 'c-' + Date.now().toString(36) + '-' + n;
  };

  Chat.prototype.sendText = function () {
    var text = this.input.value.replace(/\s+$/, '').replace(/^\s+/, '');
    if (!text || this.conn === 'expired') return;
    this.input.value = '';
    this.autosize();
    this.typingOff();
    this.send(text);
    this.input.focus();
  };

  /* A message gets its id once, here; every later transmission of it (after
   * a reconnect, after server_error) reuses that id, so the server stores and
   * answers it once. */
  Chat.prototype.send = function (text, value) {
    var p = { id: this.newId(), from: 'customer', text: text, at: this.now(), pending: true };
    if (value) p.value = value;
    this.s.pending.push(p);
    this.s.quick = null;
    this.renderQuick();
    this.appendMsg(p, true);
    this.save();
    this.transmit(p);
    if (this.s.state === 'bot' && this.conn === 'online') this.showTyping(this.t.botTyping, 8000);
  };

  Chat.prototype.transmit = function (p) {
    if (!this.ws || this.ws.readyState !== 1 || !this.ready) return;
    var f = { type: 'message', id: p.id, text: p.text };
    if (p.value) f.value = p.value;
    this.ws.send(JSON.stringify(f));
  };

  Chat.prototype.rate = function (n, quick) {
    this.send(quick.label, quick.value);
    this.s.rated = n;
    this.s.quick = null;
    this.renderQuick();
    this.save();
    this.input.focus();
  };

  Chat.prototype.typingOn = function () {
    if (!this.ready || (this.s.state !== 'agent' && this.s.state !== 'queued')) return;
    var now = Date.now();
    if (!this.typingSent || now - this.typingSent > 3000) {
      this.typingSent = now;
      this.ws.send(JSON.stringify({ type: 'typing', on: true }));
    }
  };

  Chat.prototype.typingOff = function () {
    if (!this.typingSent) return;
    this.typingSent = 0;
    if (this.ready) this.ws.send(JSON.stringify({ type: 'typing', on: false }));
  };

  /* ---- connection ---------------------------------------------------------- */

  Chat.prototype.connect = function () {
    if (this.destroyed || this.conn === 'expired' || !this.token) return;
    var self = this;
    clearTimeout(this.timers.retry);
    this.ready = false;
    if (navigator.onLine === false) { this.netDown = true; this.scheduleRetry(); return; }
    this.netDown = false;
    this.setConn(this.attempt ? 'offline' : 'connecting');
    var ws;
    try { ws = new WebSocket(wsBase(this.opts.server) + '/ws/chat'); } catch (e) { this.scheduleRetry(); return; }
    this.ws = ws;
    ws.onopen = function () {
      if (self.ws !== ws) return;
      var hello = { type: 'hello', token: self.token };
      if (self.s.conversation) hello.resume = { conversation: self.s.conversation, after_seq: self.s.lastSeq };
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = function (ev) {
      if (self.ws !== ws) return;
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      self.handle(f);
    };
    ws.onclose = function (ev) {
      if (self.ws !== ws) return;
      self.dropSocket();
      if (self.destroyed || self.conn === 'expired') return;
      self.scheduleRetry(ev.code);
    };
    ws.onerror = function () { /* onclose follows */ };
  };

  /* Forgets the current socket (closing it if still open): nothing it says
   * any more is listened to. */
  Chat.prototype.dropSocket = function () {
    var ws = this.ws;
    this.ws = null;
    this.ready = false;
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.pong);
    if (ws && ws.readyState <= 1) { try { ws.close(1000); } catch (e) { /* ignore */ } }
  };

  Chat.prototype.connectNow = function () {
    this.attempt = Math.max(this.attempt, 1);
    this.dropSocket();
    this.connect();
  };

  /* The browser says the network is gone: the socket cannot be trusted (it
   * may take a minute to time out), so it is closed now and nothing is tried
   * until the network is back. */
  Chat.prototype.networkDown = function () {
    if (this.destroyed || this.conn === 'expired') return;
    this.netDown = true;
    this.dropSocket();
    this.attempt = Math.max(this.attempt, 1);
    this.scheduleRetry();
  };

  Chat.prototype.networkUp = function () {
    if (this.destroyed || this.conn === 'expired') return;
    this.netDown = false;
    if (this.needToken) { this.setConn('connecting'); this.start(); return; }
    if (this.conn === 'online') { this.renderStatus(); return; }
    // Back: try at once, then the usual backoff if the server is not there.
    this.attempt = 1;
    this.dropSocket();
    this.connect();
  };

  Chat.prototype.scheduleRetry = function () {
    var self = this;
    clearTimeout(this.timers.retry);
    clearInterval(this.timers.countdown);
    if (navigator.onLine === false) {
      // Wait for the `online` event; look again now and then in case it is missed.
      this.netDown = true;
      this.retryAt = 0;
      this.setConn('offline');
      this.timers.retry = setTimeout(function () { if (navigator.onLine !== false) self.networkUp(); else self.scheduleRetry(); }, 5000);
      return;
    }
    var base = BACKOFF[Math.min(this.attempt, BACKOFF.length - 1)];
    this.attempt++;
    var delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.retryAt = Date.now() + delay;
    this.setConn('offline');
    this.timers.retry = setTimeout(function () { clearInterval(self.timers.countdown); self.connect(); }, delay);
    if (delay >= 2000) this.timers.countdown = setInterval(function () { self.renderStatus(); }, 1000);
  };

  Chat.prototype.startPing = function () {
    var self = this;
    clearInterval(this.timers.ping);
    this.timers.ping = setInterval(function () {
      if (!self.ready) return;
      self.ws.send('{"type":"ping"}');
      clearTimeout(self.timers.pong);
      self.timers.pong = setTimeout(function () { try { self.ws.close(4000, 'no pong'); } catch (e) { /* ignore */ } }, PONG_TIMEOUT_MS);
    }, PING_MS);
  };

  Chat.prototype.handle = function (f) {
    var t = this.t, self = this;
    switch (f.type) {
      case 'welcome':
        if (this.s.conversation && f.conversation !== this.s.conversation) {
          // A fresh conversation: the old one is gone.
          var keepPending = this.s.pending;
          this.s = this.blank();
          this.s.pending = keepPending;
          this.renderAll();
        }
        this.s.conversation = f.conversation;
        this.s.state = f.state || 'bot';
        if (f.name) this.root.setAttribute('data-member', f.name);
        if (this.s.state !== 'queued') this.s.queue = null;
        this.ready = true;
        this.attempt = 0;
        clearInterval(this.timers.countdown);
        this.setConn('online');
        this.renderQueue();
        this.startPing();
        // What was typed while away goes out now, oldest first, with its own id.
        this.s.pending.forEach(function (p) { self.transmit(p); });
        if (this.s.pending.length && this.s.state === 'bot') this.showTyping(t.botTyping, 8000);
        this.save();
        break;
      case 'ack': {
        this.learnClock(f.at);
        var idx = -1;
        for (var i = 0; i < this.s.pending.length; i++) if (this.s.pending[i].id === f.id) idx = i;
        if (idx < 0) break;
        var p = this.s.pending.splice(idx, 1)[0];
        this.removePending(p.id);
        if (!this.hasSeq(f.seq)) {
          this.addStored({ seq: f.seq, id: p.id, from: 'customer', text: p.text, at: f.at ? Date.parse(f.at) : p.at });
        }
        this.save();
        break;
      }
      case 'echo': {
        // A stored customer message replayed: settle a pending twin if any.
        for (var j = 0; j < this.s.pending.length; j++) {
          if (f.id && this.s.pending[j].id === f.id) {
            this.removePending(f.id);
            this.s.pending.splice(j, 1);
            break;
          }
        }
        this.addStored({ seq: f.seq, id: f.id, from: 'customer', text: f.text, at: f.at ? Date.parse(f.at) : this.now() });
        this.save();
        break;
      }
      case 'reply': {
        if (!f.replay) this.learnClock(f.at);
        if (!f.replay || f.seq > this.s.lastSeq) this.showTyping(null);
        var fresh = this.addStored({ seq: f.seq, from: f.from === 'agent' ? 'agent' : f.from === 'system' ? 'system' : 'bot', text: f.text, name: f.name, at: f.at ? Date.parse(f.at) : this.now() });
        if (fresh && f.seq >= this.s.lastSeq) {
          this.s.quick = f.quick_replies && f.quick_replies.length ? f.quick_replies : null;
          this.renderQuick();
        }
        if (f.from === 'agent' && f.name && !this.s.agent) { this.s.agent = f.name; this.renderStatus(); }
        this.save();
        break;
      }
      case 'queued': {
        // The card shows this frame and nothing older: a field it omits is unknown now.
        var q = {};
        ['position', 'eta_s', 'agents_online', 'open', 'returns_at', 'in_hours'].forEach(function (k) { if (f[k] != null) q[k] = f[k]; });
        this.s.state = 'queued';
        this.s.queue = q;
        this.renderQueue();
        this.renderStatus();
        this.save();
        break;
      }
      case 'agent_joined': {
        // Sent again on resume: announce only a new agent (a join or a transfer).
        var joined = this.s.state !== 'agent' || this.s.agent !== f.name;
        this.s.state = 'agent';
        this.s.queue = null;
        this.s.agent = f.name;
        this.s.rated = null;
        this.renderQueue();
        this.renderStatus();
        if (joined) this.system(t.joined(f.name));
        this.save();
        break;
      }
      case 'typing':
        if (f.on) this.showTyping(t.typing(f.from === 'agent' && this.s.agent ? this.s.agent : t.agent), (f.expires_s || 5) * 1000);
        else this.showTyping(null);
        break;
      case 'resolved':
        // The bot's next message says so and asks for the rating (with its
        // quick replies): nothing is added here, so it is asked once.
        this.s.state = 'closed';
        this.s.queue = null;
        this.showTyping(null);
        this.renderQueue();
        this.renderStatus();
        this.save();
        break;
      case 'rated':
        // The bot thanks the customer in its own reply; just settle the scale.
        this.s.rated = f.score;
        this.renderQuick();
        this.save();
        break;
      case 'pong':
        clearTimeout(this.timers.pong);
        break;
      case 'notice':
        if (f.code === 'going_away') this.setConn('offline');
        break;
      case 'error':
        this.onError(f);
        break;
      default:
        break;
    }
  };

  Chat.prototype.onError = function (f) {
    var t = this.t, self = this;
    if (f.code === 'unauthorized') {
      this.ready = false;
      if (typeof this.opts.getToken === 'function' && !this.refreshing) {
        this.refreshing = true;
        Promise.resolve(this.opts.getToken()).then(function (tok) {
          self.refreshing = false;
          if (tok && tok !== self.token) { self.token = tok; return; } // the close triggers a retry
          self.setConn('expired');
        }, function () { self.refreshing = false; self.setConn('expired'); });
      } else {
        this.setConn('expired');
      }
      return;
    }
    if (f.code === 'forbidden') {
      var keep = this.s.pending;
      this.s = this.blank();
      this.s.pending = keep;
      this.save();
      this.renderAll();
      this.system(t.errors.forbidden);
      return;
    }
    if (f.code === 'rate_limited' || f.code === 'bad_shape') {
      // The message was not stored: drop the oldest pending one so it is
      // not retried forever, and say so.
      var p = this.s.pending.shift();
      if (p) {
        var n = this.log.querySelector('.botd-pending[data-id="' + cssEsc(p.id) + '"]');
        if (n) { n.classList.add('botd-failed'); n.querySelector('.botd-state').textContent = ''; }
        if (f.code === 'rate_limited' && !this.input.value) { this.input.value = p.text; this.autosize(); }
      }
      this.showTyping(null);
      this.save();
    }
    if (f.code === 'server_error') {
      clearTimeout(this.timers.resend);
      this.timers.resend = setTimeout(function () { self.s.pending.forEach(function (q) { self.transmit(q); }); }, 1000);
    }
    this.flash(t.errors[f.code] || f.message || f.code);
  };

  Chat.prototype.flash = function (text) {
    var n = el('div', { class: 'botd-toast', role: 'alert', text: text });
    this.root.querySelector('.botd-panel').appendChild(n);
    setTimeout(function () { if (n.parentNode) n.parentNode.removeChild(n); }, 6000);
  };

  Chat.prototype.destroy = function () {
    this.destroyed = true;
    for (var k in this.timers) { clearTimeout(this.timers[k]); clearInterval(this.timers[k]); }
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    if (this.resizer) this.resizer.disconnect();
    this.dropSocket();
    this.root.textContent = '';
  };

  function cssEsc(s) { return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&'); }

  var BotdChat = {
    mount: function (root, opts) {
      if (typeof root === 'string') root = document.querySelector(root);
      var c = new Chat(root, opts);
      return {
        destroy: function () { c.destroy(); },
        state: function () { return { conn: c.conn, net: c.netDown ? 'down' : 'up', state: c.s && c.s.state, conversation: c.s && c.s.conversation, lastSeq: c.s && c.s.lastSeq, pending: c.s ? c.s.pending.length : 0 }; },
        reset: function () { if (c.store && c.key) c.store.removeItem(c.key); c.s = c.blank(); c.renderAll(); c.connectNow(); },
        _chat: c
      };
    },
    strings: STR,
    queueView: function (frame, lang) {
      var t = STR[lang === 'en' ? 'en' : 'ko'];
      var f = new Intl.DateTimeFormat(lang === 'en' ? 'en-US' : 'ko-KR', { timeZone: TZ, month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' });
      return queueView(frame || {}, t, function (iso) { return f.format(new Date(iso)); });
    }
  };
  window.BotdChat = BotdChat;

  function auto() {
    var nodes = document.querySelectorAll('[data-botd-chat]');
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (n.__botd || !n.getAttribute('data-token')) continue;
      n.__botd = BotdChat.mount(n, { token: n.getAttribute('data-token'), lang: n.getAttribute('data-lang') || undefined, server: n.getAttribute('data-server') || undefined });
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', auto); else auto();
})();

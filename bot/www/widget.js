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
      offlineNet: '인터넷 연결이 없어요. 연결되면 이어서 보내 드릴게요.',
      retryIn: function (s) { return s + '초 후 다시 연결'; },
      retryNow: '지금 다시 연결',
      expired: '로그인이 만료되었어요. 페이지를 새로고침해 주세요.',
      pending: '보내는 중',
      sent: '전송됨',
      failed: '전송 실패, 다시 보내는 중',
      typing: function (who) { return who + '님이 입력하고 있어요'; },
      botTyping: '답변을 준비하고 있어요',
      queued: function (p) { return '상담직원 연결 대기 중 · ' + p + '번째'; },
      eta: function (m) { return '예상 대기 시간 약 ' + m; },
      minutes: function (n) { return n < 1 ? '1분 미만' : n + '분'; },
      hours: function (h, m) { return h + '시간' + (m ? ' ' + m + '분' : ''); },
      closedHours: '지금은 상담 시간이 아니에요.',
      noAgents: '지금 연결할 수 있는 상담직원이 없어요.',
      returnsAt: function (t) { return t + '부터 순서대로 연결해 드릴게요.'; },
      waitingTitle: '상담직원을 기다리고 있어요',
      joined: function (n) { return n + ' 상담직원이 연결되었어요.'; },
      withAgent: function (n) { return n + ' 상담직원과 대화 중'; },
      resolved: '상담직원 상담 종료',
      rateTitle: '상담은 만족스러우셨나요?',
      rateHint: '1점(불만족)부터 5점(매우 만족)까지 골라 주세요.',
      rateScore: function (n) { return n + '점'; },
      rated: function (n) { return '평가해 주셔서 감사합니다 (' + n + '점).'; },
      quick: '빠른 답변',
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
      offlineNet: 'You are offline. Messages will be sent when you are back online.',
      retryIn: function (s) { return 'Retrying in ' + s + ' s'; },
      retryNow: 'Retry now',
      expired: 'Your session has expired. Please reload the page.',
      pending: 'Sending',
      sent: 'Sent',
      failed: 'Not sent, retrying',
      typing: function (who) { return who + ' is typing'; },
      botTyping: 'Preparing an answer',
      queued: function (p) { return 'Waiting for an agent · #' + p + ' in line'; },
      eta: function (m) { return 'Estimated wait about ' + m; },
      minutes: function (n) { return n < 1 ? 'under a minute' : n + (n === 1 ? ' minute' : ' minutes'); },
      hours: function (h, m) { return h + ' h' + (m ? ' ' + m + ' min' : ''); },
      closedHours: 'We are outside our support hours.',
      noAgents: 'No agent is available right now.',
      returnsAt: function (t) { return 'We will connect you in turn from ' + t + '.'; },
      waitingTitle: 'Waiting for an agent',
      joined: function (n) { return n + ' has joined the conversation.'; },
      withAgent: function (n) { return 'Talking with ' + n; },
      resolved: 'Conversation resolved',
      rateTitle: 'How satisfied were you?',
      rateHint: 'Choose from 1 (unsatisfied) to 5 (very satisfied).',
      rateScore: function (n) { return n + (n === 1 ? ' point' : ' points'); },
      rated: function (n) { return 'Thank you for your rating (' + n + ').'; },
      quick: 'Suggested replies',
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
    this.fmtTime = new Intl.DateTimeFormat(this.lang === 'en' ? 'en-US' : 'ko-KR', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
    this.fmtDay = new Intl.DateTimeFormat(this.lang === 'en' ? 'en-US' : 'ko-KR', { timeZone: TZ, year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' });
    this.fmtWhen = new Intl.DateTimeFormat(this.lang === 'en' ? 'en-US' : 'ko-KR', { timeZone: TZ, month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' });
    this.build();
    var self = this;
    this.onOnline = function () { if (self.conn !== 'online') self.connectNow(); self.renderStatus(); };
    this.onOffline = function () { self.renderStatus(); };
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    Promise.resolve(this.token || this.fetchToken()).then(function (tok) {
      self.token = tok;
      self.key = 'botd.chat.' + tokenSubject(tok);
      self.load();
      self.renderAll();
      self.connect();
    }).catch(function () { self.setConn('expired'); });
  }

  Chat.prototype.fetchToken = function () {
    if (typeof this.opts.getToken === 'function') return Promise.resolve(this.opts.getToken());
    return Promise.reject(new Error('no token'));
  };

  /* ---- persisted state ----------------------------------------------------- */

  Chat.prototype.blank = function () {
    return { conversation: null, lastSeq: 0, msgs: [], pending: [], state: 'bot', queue: null, agent: null, quick: null, rating: null, rated: null, nextId: 1 };
  };

  Chat.prototype.load = function () {
    this.s = this.blank();
    if (!this.store) return;
    try {
      var raw = this.store.getItem(this.key);
      if (raw) { var v = JSON.parse(raw); for (var k in v) this.s[k] = v[k]; }
    } catch (e) { /* a broken cache is just no cache */ }
  };

  Chat.prototype.save = function () {
    if (!this.store || !this.key) return;
    try { this.store.setItem(this.key, JSON.stringify(this.s)); } catch (e) { /* quota: we can still resume from seq 0 */ }
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
    var panel = el('section', { class: 'botd-panel', 'aria-labelledby': this.titleId }, [
      this.header, this.banner, this.queueCard, this.log, this.typingEl, this.quickEl, this.form
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
    this.input.style.height = 'auto';
    this.input.style.height = Math.min(this.input.scrollHeight, 140) + 'px';
  };

  Chat.prototype.nearBottom = function () {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 80;
  };

  Chat.prototype.scrollDown = function () { this.log.scrollTop = this.log.scrollHeight; };

  Chat.prototype.dayKey = function (ms) { return this.fmtDay.format(new Date(ms)); };

  Chat.prototype.renderAll = function () {
    this.log.textContent = '';
    this.lastDay = null;
    var self = this;
    this.s.msgs.forEach(function (m) { self.appendMsg(m, false); });
    this.s.pending.forEach(function (p) { self.appendMsg(p, false); });
    this.renderQueue();
    this.renderQuick();
    this.renderStatus();
    this.scrollDown();
  };

  /* A message record: {seq, from: customer|bot|agent|system, text, name, at (ms), id, pending}. */
  Chat.prototype.msgNode = function (m) {
    var t = this.t;
    if (m.from === 'system') {
      return el('div', { class: 'botd-system', 'data-seq': m.seq != null ? String(m.seq) : null }, [el('span', { text: m.text })]);
    }
    var mine = m.from === 'customer';
    var who = mine ? t.you : m.from === 'agent' ? (m.name || t.agent) : t.bot;
    var time = el('time', { class: 'botd-time', datetime: new Date(m.at).toISOString(), text: this.fmtTime.format(new Date(m.at)) });
    var state = null;
    if (mine) state = el('span', { class: 'botd-state', text: m.pending ? t.pending : '' });
    var row = el('div', {
      class: 'botd-msg botd-' + m.from + (m.pending ? ' botd-pending' : ''),
      'data-seq': m.seq != null ? String(m.seq) : null,
      'data-id': m.id || null
    }, [
      mine ? null : el('div', { class: 'botd-who', 'aria-hidden': 'true', text: who }),
      el('div', { class: 'botd-line' }, [
        el('div', { class: 'botd-bubble' }, [el('span', { class: 'botd-sr', text: who + ': ' }), el('span', { class: 'botd-text', text: m.text })]),
        el('div', { class: 'botd-meta' }, [state, time])
      ])
    ]);
    return row;
  };

  Chat.prototype.appendMsg = function (m, scroll) {
    var stick = scroll !== false && this.nearBottom();
    var day = this.dayKey(m.at);
    if (day !== this.lastDay) {
      this.lastDay = day;
      this.log.appendChild(el('div', { class: 'botd-day', 'aria-hidden': 'true' }, [el('span', { text: day })]));
    }
    var node = this.msgNode(m);
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
    if (stick || (m.from === 'customer' && scroll !== false)) this.scrollDown();
    return node;
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
    var m = { from: 'system', text: text, at: Date.now() };
    this.s.msgs.push(m);
    this.appendMsg(m);
  };

  Chat.prototype.setConn = function (c) { this.conn = c; this.renderStatus(); };

  Chat.prototype.renderStatus = function () {
    var t = this.t, s = this.s || this.blank();
    var st = this.conn;
    this.root.setAttribute('data-conn', st);
    this.root.setAttribute('data-state', s.state);
    var sub;
    if (st === 'online') {
      if (s.state === 'agent' && s.agent) sub = t.withAgent(s.agent);
      else if (s.state === 'queued') sub = t.waitingTitle;
      else sub = t.online;
    } else if (st === 'expired') sub = t.expired;
    else if (st === 'offline') sub = navigator.onLine === false ? t.offlineNet : t.offline;
    else sub = t.connecting;
    this.subtitle.textContent = sub;
    var offline = st === 'offline' || st === 'expired';
    this.banner.hidden = !offline;
    this.banner.textContent = '';
    if (offline) {
      var self = this;
      this.banner.appendChild(el('span', { text: st === 'expired' ? t.expired : navigator.onLine === false ? t.offlineNet : t.offline }));
      if (st === 'offline' && navigator.onLine !== false) {
        this.banner.appendChild(el('button', { type: 'button', class: 'botd-link', text: t.retryNow, onclick: function () { self.connectNow(); } }));
      }
    }
    this.input.disabled = st === 'expired';
    this.sendBtn.disabled = st === 'expired';
  };

  Chat.prototype.renderQueue = function () {
    var t = this.t, q = this.s.queue;
    var show = this.s.state === 'queued' && q;
    this.queueCard.hidden = !show;
    this.queueCard.textContent = '';
    if (!show) return;
    var eta = '';
    if (q.eta_s != null) {
      var mins = Math.round(q.eta_s / 60);
      eta = mins >= 60 ? t.hours(Math.floor(mins / 60), mins % 60) : t.minutes(mins);
    }
    var lines = [el('strong', { class: 'botd-q-pos', text: t.queued(q.position) })];
    if (q.open === false) {
      lines.push(el('span', { text: q.agents_online === 0 ? t.noAgents : t.closedHours }));
      if (q.returns_at) lines.push(el('span', { text: t.returnsAt(this.fmtWhen.format(new Date(q.returns_at))) }));
    } else if (eta) {
      lines.push(el('span', { class: 'botd-q-eta', text: t.eta(eta) }));
    }
    this.queueCard.appendChild(el('div', { class: 'botd-q-spin', 'aria-hidden': 'true' }));
    this.queueCard.appendChild(el('div', { class: 'botd-q-text' }, lines));
  };

  Chat.prototype.renderQuick = function () {
    var stick = this.nearBottom();
    this.renderQuickInner();
    if (stick) this.scrollDown();
  };

  Chat.prototype.renderQuickInner = function () {
    var t = this.t, self = this, q = this.s.quick;
    this.quickEl.textContent = '';
    var rating = q && q.length && q.every(function (r) { return /^rating:[1-5]$/.test(r.value); });
    var showRating = !this.s.rated && (rating || this.s.rating === 'ask');
    if (showRating) {
      this.quickEl.hidden = false;
      this.quickEl.className = 'botd-quick botd-rate';
      this.quickEl.setAttribute('aria-label', t.rateTitle);
      var opts = rating ? q : [1, 2, 3, 4, 5].map(function (n) { return { label: String(n), value: 'rating:' + n }; });
      this.quickEl.appendChild(el('div', { class: 'botd-rate-title', text: t.rateTitle }));
      this.quickEl.appendChild(el('div', { class: 'botd-rate-hint', text: t.rateHint }));
      var row = el('div', { class: 'botd-stars' });
      opts.forEach(function (r) {
        var n = Number(r.value.slice(7));
        row.appendChild(el('button', {
          type: 'button', class: 'botd-star', 'data-score': String(n), 'aria-label': t.rateScore(n), title: t.rateScore(n),
          onclick: function () { self.rate(n, rating ? r : null); }
        }, [el('span', { 'aria-hidden': 'true', text: '★' }), el('span', { class: 'botd-star-n', 'aria-hidden': 'true', text: String(n) })]));
      });
      this.quickEl.appendChild(row);
      return;
    }
    this.quickEl.className = 'botd-quick';
    this.quickEl.setAttribute('aria-label', t.quick);
    if (!q || !q.length) { this.quickEl.hidden = true; return; }
    this.quickEl.hidden = false;
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
    if (!text) { this.typingEl.hidden = true; this.typingEl.textContent = ''; return; }
    this.typingEl.hidden = false;
    this.typingEl.textContent = '';
    this.typingEl.appendChild(el('span', { class: 'botd-dots', 'aria-hidden': 'true' }, [el('i'), el('i'), el('i')]));
    this.typingEl.appendChild(el('span', { text: text }));
    this.timers.typing = setTimeout(function () { self.showTyping(null); }, ms || 5000);
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

  Chat.prototype.send = function (text, value) {
    var p = { id: this.newId(), from: 'customer', text: text, at: Date.now(), pending: true };
    if (value) p.value = value;
    this.s.pending.push(p);
    this.s.quick = null;
    this.renderQuick();
    this.appendMsg(p);
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
    if (quick) this.send(quick.label, quick.value);
    else if (this.ws && this.ready) this.ws.send(JSON.stringify({ type: 'rating', score: n }));
    this.s.rated = n;
    this.s.rating = null;
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
    if (this.destroyed) return;
    var self = this;
    clearTimeout(this.timers.retry);
    this.ready = false;
    this.setConn(this.attempt ? 'offline' : 'connecting');
    var ws;
    try { ws = new WebSocket(wsBase(this.opts.server) + '/ws/chat'); } catch (e) { this.scheduleRetry(); return; }
    this.ws = ws;
    ws.onopen = function () {
      var hello = { type: 'hello', token: self.token };
      if (self.s.conversation) hello.resume = { conversation: self.s.conversation, after_seq: self.s.lastSeq };
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = function (ev) {
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      self.handle(f);
    };
    ws.onclose = function (ev) {
      if (self.ws !== ws) return;
      self.ready = false;
      clearInterval(self.timers.ping);
      clearTimeout(self.timers.pong);
      if (self.destroyed) return;
      if (self.conn === 'expired') return;
      self.scheduleRetry(ev.code);
    };
    ws.onerror = function () { /* onclose follows */ };
  };

  Chat.prototype.connectNow = function () {
    this.attempt = Math.max(this.attempt, 1);
    if (this.ws && this.ws.readyState <= 1) { try { this.ws.close(); } catch (e) { /* ignore */ } }
    this.ws = null;
    this.connect();
  };

  Chat.prototype.scheduleRetry = function () {
    var self = this;
    this.setConn('offline');
    var base = BACKOFF[Math.min(this.attempt, BACKOFF.length - 1)];
    this.attempt++;
    var delay = Math.round(base * (0.75 + Math.random() * 0.5));
    if (navigator.onLine === false) delay = Math.max(delay, 2000);
    clearTimeout(this.timers.retry);
    this.timers.retry = setTimeout(function () { self.connect(); }, delay);
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
        if (this.s.state === 'bot' && this.s.agent && this.s.rated == null && this.s.rating == null) { /* keep */ }
        this.ready = true;
        this.attempt = 0;
        this.setConn('online');
        this.renderQueue();
        this.startPing();
        this.s.pending.forEach(function (p) { self.transmit(p); });
        this.save();
        break;
      case 'ack': {
        var idx = -1;
        for (var i = 0; i < this.s.pending.length; i++) if (this.s.pending[i].id === f.id) idx = i;
        if (idx < 0) break;
        var p = this.s.pending.splice(idx, 1)[0];
        var node = this.log.querySelector('.botd-pending[data-id="' + cssEsc(p.id) + '"]');
        if (node) node.parentNode.removeChild(node);
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
            var pn = this.log.querySelector('.botd-pending[data-id="' + cssEsc(f.id) + '"]');
            if (pn) pn.parentNode.removeChild(pn);
            this.s.pending.splice(j, 1);
            break;
          }
        }
        this.addStored({ seq: f.seq, id: f.id, from: 'customer', text: f.text, at: f.at ? Date.parse(f.at) : Date.now() });
        this.save();
        break;
      }
      case 'reply': {
        if (!f.replay || f.seq > this.s.lastSeq) this.showTyping(null);
        var fresh = this.addStored({ seq: f.seq, from: f.from === 'agent' ? 'agent' : f.from === 'system' ? 'system' : 'bot', text: f.text, name: f.name, at: f.at ? Date.parse(f.at) : Date.now() });
        if (fresh && f.seq >= this.s.lastSeq) {
          this.s.quick = f.quick_replies && f.quick_replies.length ? f.quick_replies : null;
          if (this.s.quick && this.s.quick.every(function (r) { return /^rating:/.test(r.value); }) && this.s.rated) this.s.quick = null;
          this.renderQuick();
        }
        if (f.from === 'agent' && f.name && !this.s.agent) { this.s.agent = f.name; this.renderStatus(); }
        this.save();
        break;
      }
      case 'queued':
        this.s.state = 'queued';
        this.s.queue = { position: f.position, eta_s: f.eta_s, open: f.open, returns_at: f.returns_at, agents_online: f.agents_online };
        this.renderQueue();
        this.renderStatus();
        this.save();
        break;
      case 'agent_joined': {
        // Sent again on resume: announce only a new agent (a join or a transfer).
        var fresh = this.s.state !== 'agent' || this.s.agent !== f.name;
        this.s.state = 'agent';
        this.s.queue = null;
        this.s.agent = f.name;
        this.s.rated = null;
        this.renderQueue();
        this.renderStatus();
        if (fresh) this.system(t.joined(f.name));
        this.save();
        break;
      }
      case 'typing':
        if (f.on) this.showTyping(t.typing(f.from === 'agent' && this.s.agent ? this.s.agent : t.agent), (f.expires_s || 5) * 1000);
        else this.showTyping(null);
        break;
      case 'resolved':
        this.s.state = 'closed';
        this.s.queue = null;
        this.showTyping(null);
        this.system(t.resolved);
        if (!this.s.rated) this.s.rating = 'ask';
        this.renderQueue();
        this.renderQuick();
        this.renderStatus();
        this.save();
        break;
      case 'rated':
        // The bot thanks the customer in its own reply; just settle the card.
        this.s.rated = f.score;
        this.s.rating = null;
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
      setTimeout(function () { self.s.pending.forEach(function (q) { self.transmit(q); }); }, 1000);
    }
    this.flash(t.errors[f.code] || f.message || f.code);
  };

  Chat.prototype.flash = function (text) {
    var self = this;
    var n = el('div', { class: 'botd-toast', role: 'alert', text: text });
    this.root.querySelector('.botd-panel').appendChild(n);
    setTimeout(function () { if (n.parentNode) n.parentNode.removeChild(n); }, 6000);
    void self;
  };

  Chat.prototype.destroy = function () {
    this.destroyed = true;
    for (var k in this.timers) { clearTimeout(this.timers[k]); clearInterval(this.timers[k]); }
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    if (this.ws) try { this.ws.close(1000); } catch (e) { /* ignore */ }
    this.root.textContent = '';
  };

  function cssEsc(s) { return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&'); }

  var BotdChat = {
    mount: function (root, opts) {
      if (typeof root === 'string') root = document.querySelector(root);
      var c = new Chat(root, opts);
      return {
        destroy: function () { c.destroy(); },
        state: function () { return { conn: c.conn, state: c.s && c.s.state, conversation: c.s && c.s.conversation, lastSeq: c.s && c.s.lastSeq, pending: c.s ? c.s.pending.length : 0 }; },
        reset: function () { if (c.store && c.key) c.store.removeItem(c.key); c.s = c.blank(); c.renderAll(); c.connectNow(); },
        _chat: c
      };
    },
    strings: STR
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

/* botd agent console: WS /ws/agent (bot/PROTOCOL.md).
 *
 * Log in with a demo agent (demo mode: /demo/cast + /demo/token) or a pasted
 * agent token. Shows the live queue (whole list on every `queue` frame, the
 * waiting times ticking locally between frames), claims conversations into
 * tabs, and works each one: transcript, replies (pending until acked, re-sent
 * with the same id after a reconnect), internal notes, transfer, resolve
 * (confirmed in a dialog), and the context packet (member, account,
 * attachments). Claims are disabled, with the reason, while the agent holds
 * max_concurrent conversations. While the tab is in the background a new
 * queue item or a customer message gives a sound (Web Audio, made in the
 * page) and a desktop notification; both switchable, remembered in
 * localStorage, and the browser's permission asked once. Below 720 px the
 * three columns become three views. With no network (the `offline` event)
 * the socket is closed and the console says so at once; it reconnects on
 * `online`. ?lang=en for English.
 */
(function () {
  'use strict';

  var params = new URLSearchParams(location.search);
  var LANG = params.get('lang') === 'en' ? 'en' : 'ko';
  var TZ = 'Asia/Seoul';
  var BACKOFF = [500, 1000, 2000, 4000, 8000, 15000];

  var T = {
    ko: {
      title: '상담직원 콘솔 · botd', brand: '상담직원 콘솔', logout: '로그아웃', loginTitle: '상담직원 로그인',
      loginLead: '데모 상담직원을 고르거나 발급받은 토큰을 붙여 넣으세요.', loginLeadNoDemo: '발급받은 상담직원 토큰을 붙여 넣으세요.',
      tokenLabel: '상담직원 토큰', login: '로그인', demoAgents: '데모 상담직원',
      queue: '대기열', queueEmpty: '기다리는 상담이 없어요.', claim: '가져오기', transferTo: '넘길 곳', transfer: '넘기기',
      toQueue: '대기열로 되돌리기', toAgent: function (n) { return n + '에게'; }, resolve: '해결 완료', send: '보내기',
      replyLabel: '고객에게 보낼 답변', replyPh: '고객에게 답변하기 (Enter 보내기, Shift+Enter 줄바꿈)',
      nothing: '대기열에서 상담을 가져오면 여기에 대화가 열려요.', context: '고객 정보', notes: '내부 메모',
      notesHint: '고객에게 보이지 않아요', noteLabel: '메모 내용', notePh: '메모 남기기', addNote: '메모 추가', noNotes: '아직 메모가 없어요.',
      online: '연결됨', connecting: '연결 중…', offline: '연결 끊김 · 다시 연결 중…', expired: '토큰이 만료되었거나 거부되었어요.',
      agentsOnline: function (n) { return '상담직원 ' + n + '명 접속'; },
      load: function (n, m) { return '진행 ' + n + ' / ' + m; },
      waiting: '대기', waited: function (s) { return '대기 ' + s; },
      customer: '고객', bot: '상담봇', agentLbl: '상담직원', you: '나', system: '안내', pending: '보내는 중',
      member: '고객', account: '광고계정', accounts: '연결된 계정', channel: '채널', reason: '연결 사유', intent: '마지막 의도',
      slots: '슬롯', attachments: '첨부 기록', noAttachments: '첨부된 기록이 없어요.', noAccount: '특정된 계정 없음',
      status: '상태', balance: '캐시 잔액', accountNo: '계정 번호',
      channels: { web: '웹 채팅', kakao: '카카오톡' },
      reasons: { not_understood: '봇이 이해 못함', needs_human: '상담직원 처리 필요', agent_request: '고객이 상담 요청', requeued: '다시 대기', agent_left: '상담직원 이탈', transferred: '넘겨받음' },
      unread: function (n) { return '읽지 않은 메시지 ' + n + '개'; },
      typing: '고객이 입력하고 있어요',
      resolvedBanner: '해결 완료된 상담이에요.', transferredBanner: '다른 곳으로 넘긴 상담이에요.', lostBanner: '더 이상 담당하지 않는 상담이에요.',
      closeTab: '탭 닫기', rated: function (n) { return '고객 만족도 ' + n + '점'; },
      confirmResolve: '이 상담을 해결 완료로 닫을까요?', resolveOk: '해결 완료로 닫기', cancel: '취소',
      confirmResolveHint: '고객에게 상담 종료와 만족도 질문이 전달되고, 이 상담은 내 진행 목록에서 닫혀요.',
      chooseTransfer: '넘길 곳 선택…', convs: '상담',
      atCapacity: function (n, m) { return '진행 중인 상담이 ' + n + '/' + m + '건으로 가득 찼어요. 하나를 마치거나 넘기면 가져올 수 있어요.'; },
      legendTitle: '대기 순서와 우선순위',
      legendOrder: '우선순위가 높은 상담이 위에 있어요. 같은 우선순위 안에서는 오래 기다린 고객이 먼저예요.',
      prio: { urgent: '최우선', high: '우선', normal: '일반' },
      prioWhy: {
        urgent: '상담직원과의 연결이 끊겼거나 대기열로 되돌아온 상담이에요. 이미 기다렸던 고객이라 맨 앞에 서요.',
        high: '봇이 답할 수 없는 문의라 상담직원이 처리해야 해요.',
        normal: '고객이 상담직원을 찾았거나 봇이 질문을 이해하지 못한 상담이에요.'
      },
      prioLabel: function (w) { return '우선순위: ' + w; },
      kakaoUnlinked: '카카오톡 사용자 (계정 미연결)', kakaoUnlinkedShort: '카카오톡 사용자',
      kakaoUnlinkedNote: '카카오톡 계정이 광고주 회원과 연결되지 않은 사용자예요. 봇은 계정 정보 없이 일반 안내만 했어요.',
      noMemberAccount: '이 사용자와 연결된 광고계정이 없어요.', unnamed: '이름 없는 고객',
      memberNo: function (id) { return '회원 번호 ' + id; },
      notices: '알림', noticesLead: '이 탭을 보고 있지 않을 때 새 대기 상담과 고객 메시지를 알려 드려요.',
      noticeSound: '소리', noticeDesktop: '데스크톱 알림',
      askNotices: '새 상담과 고객 메시지를 데스크톱 알림으로 받을까요?', askYes: '알림 켜기', askNo: '나중에',
      notifOn: '데스크톱 알림이 켜져 있어요.', notifDenied: '브라우저 설정에서 이 사이트의 알림이 차단되어 있어요.',
      notifAsk: '켜면 브라우저가 알림 허용 여부를 물어요.', notifUnsupported: '이 브라우저는 데스크톱 알림을 지원하지 않아요.',
      notifQueue: function (n) { return '새 대기 상담 · ' + n; },
      notifMsg: function (n) { return n + ' 고객의 새 메시지'; },
      notifAssigned: function (n) { return '넘겨받은 상담 · ' + n; },
      errors: {
        already_claimed: '다른 상담직원이 먼저 가져갔어요.', at_capacity: '동시에 맡을 수 있는 상담 수를 넘었어요.',
        not_found: '대기열이나 내 상담에 없는 대화예요.', not_owner: '내가 담당하지 않는 상담이에요.',
        rate_limited: '너무 빨리 보내고 있어요.', bad_shape: '보낼 수 없는 내용이에요.', server_error: '저장하지 못했어요. 다시 보내는 중이에요.',
        unauthorized: '토큰이 거부되었어요.', server_full: '서버가 가득 찼어요.'
      },
      intents: {
        agent_request: '상담원 연결', autopay_failure: '자동결제 실패', card_dormant: '카드 휴면', charge_refund_history: '충전·환불 내역',
        departed_member_refund: '탈퇴 멤버 결제 환불', free_cash_status: '무상캐시 상태', greeting: '인사', kakaopay_message_missing: '카카오페이 메시지 미수신',
        payment_dashboard: '대시보드 결제 정보', tax_invoice_failed: '세금계산서 발행실패', tax_invoice_reissue: '세금계산서 수정발행',
        thanks: '감사 인사', virtual_account_reissue: '가상계좌 재발급'
      }
    },
    en: {
      title: 'Agent console · botd', brand: 'Agent console', logout: 'Log out', loginTitle: 'Agent login',
      loginLead: 'Pick a demo agent or paste the token you were given.', loginLeadNoDemo: 'Paste the agent token you were given.',
      tokenLabel: 'Agent token', login: 'Log in', demoAgents: 'Demo agents',
      queue: 'Queue', queueEmpty: 'Nobody is waiting.', claim: 'Claim', transferTo: 'Transfer to', transfer: 'Transfer',
      toQueue: 'Back to the queue', toAgent: function (n) { return 'To ' + n; }, resolve: 'Resolve', send: 'Send',
      replyLabel: 'Reply to the customer', replyPh: 'Reply to the customer (Enter sends, Shift+Enter new line)',
      nothing: 'Claim a conversation from the queue to open it here.', context: 'Customer', notes: 'Internal notes',
      notesHint: 'never shown to the customer', noteLabel: 'Note', notePh: 'Add a note', addNote: 'Add note', noNotes: 'No notes yet.',
      online: 'Connected', connecting: 'Connecting…', offline: 'Disconnected · reconnecting…', expired: 'The token was refused or has expired.',
      agentsOnline: function (n) { return n + (n === 1 ? ' agent' : ' agents') + ' online'; },
      load: function (n, m) { return n + ' / ' + m + ' open'; },
      waiting: 'Waiting', waited: function (s) { return 'waited ' + s; },
      customer: 'Customer', bot: 'Bot', agentLbl: 'Agent', you: 'You', system: 'Notice', pending: 'Sending',
      member: 'Customer', account: 'Ad account', accounts: 'Linked accounts', channel: 'Channel', reason: 'Reason', intent: 'Last intent',
      slots: 'Slots', attachments: 'Attached records', noAttachments: 'No attached records.', noAccount: 'No account identified',
      status: 'Status', balance: 'Cash balance', accountNo: 'Account no.',
      channels: { web: 'Web chat', kakao: 'KakaoTalk' },
      reasons: { not_understood: 'Bot did not understand', needs_human: 'Needs a person', agent_request: 'Customer asked for an agent', requeued: 'Requeued', agent_left: 'Agent left', transferred: 'Transferred' },
      unread: function (n) { return n + ' unread'; },
      typing: 'The customer is typing',
      resolvedBanner: 'This conversation is resolved.', transferredBanner: 'You transferred this conversation.', lostBanner: 'You no longer own this conversation.',
      closeTab: 'Close tab', rated: function (n) { return 'Customer rating ' + n + '/5'; },
      confirmResolve: 'Resolve and close this conversation?', resolveOk: 'Resolve and close', cancel: 'Cancel',
      confirmResolveHint: 'The customer is told the conversation ended and asked for a rating; it closes in your list.',
      chooseTransfer: 'Choose where…', convs: 'Chats',
      atCapacity: function (n, m) { return 'You hold ' + n + ' of ' + m + ' conversations. Resolve or transfer one to claim another.'; },
      legendTitle: 'Queue order and priorities',
      legendOrder: 'Higher priorities come first; within a priority, whoever has waited longest.',
      prio: { urgent: 'Urgent', high: 'High', normal: 'Normal' },
      prioWhy: {
        urgent: 'Back in the queue after an agent disconnected or sent it back: this customer has waited once already.',
        high: 'A question the bot cannot answer: it needs an agent.',
        normal: 'The customer asked for an agent, or the bot did not understand.'
      },
      prioLabel: function (w) { return 'Priority: ' + w; },
      kakaoUnlinked: 'KakaoTalk user (not linked)', kakaoUnlinkedShort: 'KakaoTalk user',
      kakaoUnlinkedNote: 'This KakaoTalk account is not linked to an advertiser member; the bot gave general answers only.',
      noMemberAccount: 'No ad account is linked to this user.', unnamed: 'Unnamed customer',
      memberNo: function (id) { return 'Member no. ' + id; },
      notices: 'Notices', noticesLead: 'While this tab is in the background, new queue items and customer messages are announced.',
      noticeSound: 'Sound', noticeDesktop: 'Desktop notifications',
      askNotices: 'Get desktop notifications for new conversations and customer messages?', askYes: 'Turn on', askNo: 'Not now',
      notifOn: 'Desktop notifications are on.', notifDenied: 'Notifications are blocked for this site in the browser settings.',
      notifAsk: 'Turning them on asks the browser for permission.', notifUnsupported: 'This browser has no desktop notifications.',
      notifQueue: function (n) { return 'New in the queue · ' + n; },
      notifMsg: function (n) { return 'New message from ' + n; },
      notifAssigned: function (n) { return 'Transferred to you · ' + n; },
      errors: {
        already_claimed: 'Another agent claimed it first.', at_capacity: 'You already hold as many conversations as you can.',
        not_found: 'No such conversation in the queue or yours.', not_owner: 'You do not own that conversation.',
        rate_limited: 'You are sending too fast.', bad_shape: 'That cannot be sent.', server_error: 'Could not save; retrying.',
        unauthorized: 'The token was refused.', server_full: 'The server is full.'
      },
      intents: {
        agent_request: 'Talk to an agent', autopay_failure: 'Auto-payment failed', card_dormant: 'Dormant card', charge_refund_history: 'Charge and refund history',
        departed_member_refund: 'Departed member refund', free_cash_status: 'Free cash status', greeting: 'Greeting', kakaopay_message_missing: 'KakaoPay message missing',
        payment_dashboard: 'Dashboard payment info', tax_invoice_failed: 'Tax invoice failed', tax_invoice_reissue: 'Tax invoice reissue',
        thanks: 'Thanks', virtual_account_reissue: 'Reissue virtual account'
      }
    }
  }[LANG];

  var loc = LANG === 'en' ? 'en-US' : 'ko-KR';
  var fmtTime = new Intl.DateTimeFormat(loc, { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
  var fmtDate = new Intl.DateTimeFormat(loc, { timeZone: TZ, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  var fmtNum = new Intl.NumberFormat('ko-KR');

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v == null || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    (kids || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function dur(s) {
    s = Math.max(0, Math.floor(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    if (LANG === 'en') return h ? h + 'h ' + m + 'm' : m ? m + 'm ' + (r < 10 ? '0' : '') + r + 's' : r + 's';
    return h ? h + '시간 ' + m + '분' : m ? m + '분 ' + r + '초' : r + '초';
  }
  function won(n) { return LANG === 'en' ? '₩' + fmtNum.format(n) : fmtNum.format(n) + '원'; }
  function intentName(id) { return id ? (T.intents[id] || id) : '—'; }
  function reasonName(r) { return r ? (T.reasons[r] || r) : '—'; }
  function timeOf(at) { return at ? fmtTime.format(new Date(at)) : fmtTime.format(new Date()); }

  /* Who the customer is, for people: a member's name; a KakaoTalk user whose
   * key is linked to no member (member null) is said to be one. */
  function unlinkedKakao(m, channel) { return !(m && (m.name || m.id)) && channel === 'kakao'; }
  function memberLabel(m, channel, short) {
    if (m && m.name) return m.name;
    if (m && m.id) return T.memberNo(m.id);
    if (channel === 'kakao') return short ? T.kakaoUnlinkedShort : T.kakaoUnlinked;
    return T.unnamed;
  }

  /* Queue priorities (handoffs.priority): 10 back in the queue after an agent,
   * 1 work only a person can do, 0 the rest. */
  function prioLevel(p) { return p >= 10 ? 'urgent' : p >= 1 ? 'high' : 'normal'; }

  function openCount() { return S.order.filter(function (id) { return !S.convs[id].closed; }).length; }
  function atCapacity() { return !!S.max && openCount() >= S.max; }

  /* ---- state ---------------------------------------------------------------- */

  var S = {
    token: null, demoAgent: null, ws: null, ready: false, attempt: 0, retry: null,
    me: null, max: 0, queue: [], queueAt: 0, agentsOnline: 0,
    convs: {}, order: [], active: null, cast: null, nextId: 1, conn: 'connecting',
    queueKnown: null, releasedAt: {}
  };

  function applyStatic() {
    document.documentElement.lang = LANG;
    document.title = T.title;
    document.querySelectorAll('[data-t]').forEach(function (n) {
      var v = T[n.getAttribute('data-t')];
      if (typeof v === 'string') n.textContent = v;
    });
    $('reply').placeholder = T.replyPh;
    $('note').placeholder = T.notePh;
    $('demo-agents').setAttribute('aria-label', T.demoAgents);
    $('transcript').setAttribute('aria-label', T.context === '고객 정보' ? '대화 내용' : 'Transcript');
    $('mviews').setAttribute('aria-label', LANG === 'en' ? 'Views' : '화면');
    renderLegend();
  }

  function toast(text, kind) {
    var n = el('div', { class: 'toast' + (kind ? ' ' + kind : ''), text: text });
    $('toasts').appendChild(n);
    setTimeout(function () { n.remove(); }, 5000);
  }

  /* ---- login ---------------------------------------------------------------- */

  function showView(v) {
    $('app').setAttribute('data-view', v);
    $('login').hidden = v !== 'login';
    $('desk').hidden = v !== 'desk';
    $('me').hidden = v !== 'desk';
    $('mviews').hidden = v !== 'desk';
  }

  function demoToken(id) {
    return fetch('/demo/token?agent=' + encodeURIComponent(id)).then(function (r) {
      if (!r.ok) throw new Error('token ' + r.status);
      return r.json();
    }).then(function (j) { return j.token; });
  }

  function startWith(token, demoId) {
    S.token = token;
    S.demoAgent = demoId || null;
    try {
      sessionStorage.setItem('botd.agent.token', token);
      if (demoId) sessionStorage.setItem('botd.agent.demo', String(demoId)); else sessionStorage.removeItem('botd.agent.demo');
    } catch (e) { /* private mode: no reload survival */ }
    showView('desk');
    connect();
  }

  function loginView() {
    showView('login');
    fetch('/demo/cast').then(function (r) { if (!r.ok) throw new Error('no demo'); return r.json(); }).then(function (cast) {
      S.cast = cast;
      var ul = $('demo-agents');
      ul.textContent = '';
      cast.agents.forEach(function (a) {
        ul.appendChild(el('li', {}, [el('button', {
          type: 'button', class: 'agent-pick', 'data-agent': String(a.id),
          onclick: function () {
            demoToken(a.id).then(function (t) { startWith(t, a.id); }, function () { $('login-error').textContent = T.expired; });
          }
        }, [el('span', { class: 'av', 'aria-hidden': 'true', text: a.name.slice(0, 1) }), el('span', { text: a.name }), el('span', { class: 'muted small', text: '#' + a.id })])]));
      });
    }).catch(function () {
      $('login-lead').textContent = T.loginLeadNoDemo;
      $('demo-agents').hidden = true;
    });
  }

  $('token-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var t = $('token-input').value.trim();
    if (t) startWith(t, null);
  });

  $('logout').addEventListener('click', function () {
    try { sessionStorage.removeItem('botd.agent.token'); sessionStorage.removeItem('botd.agent.demo'); } catch (e) { /* ignore */ }
    S.stopped = true;
    if (S.ws) S.ws.close(1000);
    location.href = location.pathname + (LANG === 'en' ? '?lang=en' : '');
  });

  /* ---- connection --------------------------------------------------------------- */

  function setConn(c) {
    S.conn = c;
    var n = $('conn');
    n.className = 'conn ' + c;
    n.textContent = c === 'online' ? T.online : c === 'expired' ? T.expired : c === 'offline' ? T.offline : T.connecting;
    $('app').setAttribute('data-conn', c);
  }

  function connect() {
    clearTimeout(S.retry);
    S.ready = false;
    setConn(S.attempt ? 'offline' : 'connecting');
    var ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws/agent');
    S.ws = ws;
    ws.onopen = function () { ws.send(JSON.stringify({ type: 'hello', token: S.token })); };
    ws.onmessage = function (ev) { if (S.ws !== ws) return; var f; try { f = JSON.parse(ev.data); } catch (e) { return; } handle(f); };
    ws.onclose = function () {
      if (S.ws !== ws || S.stopped) return;
      S.ready = false;
      clearInterval(S.ping);
      if (S.conn === 'expired') return;
      setConn('offline');
      if (navigator.onLine === false) return; // the online event reconnects
      var d = BACKOFF[Math.min(S.attempt, BACKOFF.length - 1)] * (0.75 + Math.random() * 0.5);
      S.attempt++;
      S.retry = setTimeout(connect, d);
    };
  }

  function send(f) { if (S.ready) S.ws.send(JSON.stringify(f)); return S.ready; }

  // No network: the socket is closed now (it would take a minute to time
  // out) and the console says so; it reconnects when the network is back.
  window.addEventListener('offline', function () {
    if (!S.ws || S.stopped || S.conn === 'expired') return;
    clearTimeout(S.retry);
    clearInterval(S.ping);
    var ws = S.ws;
    S.ws = null;
    S.ready = false;
    try { ws.close(1000); } catch (e) { /* closed already */ }
    S.attempt = Math.max(S.attempt, 1);
    setConn('offline');
  });
  window.addEventListener('online', function () {
    if (S.stopped || S.conn === 'expired' || S.ready || !S.token) return;
    clearTimeout(S.retry);
    connect();
  });

  /* ---- conversations --------------------------------------------------------------- */

  function fromPacket(id, p, old) {
    var c = old || { id: id, msgs: [], pending: [], notes: [], unread: 0, closed: null, rated: null, typingUntil: 0 };
    c.packet = p;
    c.closed = null;
    var seen = {};
    c.msgs.forEach(function (m) { if (m.seq != null) seen[m.seq] = true; });
    (p.transcript || []).forEach(function (m) {
      if (seen[m.seq]) return;
      c.msgs.push({ seq: m.seq, from: m.from, text: m.text, name: m.name || m.agent, intent: m.intent, at: m.at });
    });
    c.msgs.sort(function (a, b) { return a.seq - b.seq; });
    c.notes = (p.notes || []).slice();
    return c;
  }

  function openConv(id, packet, focus) {
    var isNew = !S.convs[id];
    S.convs[id] = fromPacket(id, packet, S.convs[id]);
    if (isNew) S.order.push(id);
    if (focus || !S.active) activate(id);
    else renderTabs();
    updateLoad();
  }

  function activate(id) {
    S.active = id;
    var c = S.convs[id];
    if (c) c.unread = 0;
    renderTabs();
    renderConv();
    updateTitle();
  }

  function closeTab(id) {
    var i = S.order.indexOf(id);
    if (i < 0) return;
    S.order.splice(i, 1);
    delete S.convs[id];
    if (S.active === id) S.active = S.order[Math.min(i, S.order.length - 1)] || null;
    renderTabs();
    renderConv();
    updateLoad();
    var t = document.querySelector('.tab[aria-selected="true"]');
    if (t) t.focus(); else $('qlist').focus();
  }

  function updateLoad() {
    var open = openCount();
    $('load').textContent = S.max ? T.load(open, S.max) : '';
    $('mv-conv-n').textContent = S.max ? open + '/' + S.max : '';
    renderCapacity();
    updateTitle();
  }

  /* At capacity every claim button is disabled and says why. */
  function renderCapacity() {
    var full = atCapacity();
    var note = $('capacity');
    note.hidden = !full || !S.queue.length;
    note.textContent = full ? T.atCapacity(openCount(), S.max) : '';
    document.querySelectorAll('#qlist .claim').forEach(function (b) {
      b.disabled = full || b.getAttribute('data-claiming') === '1';
      if (full) { b.setAttribute('aria-describedby', 'capacity'); b.title = note.textContent; } else { b.removeAttribute('aria-describedby'); b.removeAttribute('title'); }
    });
  }

  function updateTitle() {
    var unread = 0;
    S.order.forEach(function (id) { unread += S.convs[id].unread; });
    document.title = (unread ? '(' + unread + ') ' : '') + (S.queue.length ? '[' + S.queue.length + '] ' : '') + T.title;
    $('mv-queue-n').textContent = String(S.queue.length);
    $('mv-conv').classList.toggle('has-unread', unread > 0);
  }

  /* ---- views below 720 px: queue, conversation, customer ------------------------ */

  function setMView(v) {
    $('desk').setAttribute('data-mview', v);
    document.querySelectorAll('#mviews [role="tab"]').forEach(function (b) {
      var on = b.getAttribute('data-view') === v;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    });
  }
  document.querySelectorAll('#mviews [role="tab"]').forEach(function (b) {
    b.addEventListener('click', function () { setMView(b.getAttribute('data-view')); });
  });

  /* ---- queue ------------------------------------------------------------------------ */

  function renderQueue() {
    var ol = $('qlist');
    var keep = document.activeElement && document.activeElement.closest && document.activeElement.closest('.qitem');
    var keepId = keep && keep.getAttribute('data-conv');
    ol.textContent = '';
    $('queue-count').textContent = String(S.queue.length);
    $('qempty').hidden = S.queue.length > 0;
    $('online').textContent = T.agentsOnline(S.agentsOnline);
    S.queue.forEach(function (q) {
      var name = memberLabel(q.member, q.channel);
      var chips = [];
      var level = prioLevel(q.priority || 0);
      if (level !== 'normal') {
        chips.push(el('span', {
          class: 'chip prio prio-' + level, text: T.prio[level], title: T.prioWhy[level],
          'aria-label': T.prioLabel(T.prio[level]) + '. ' + T.prioWhy[level]
        }));
      }
      chips.push(el('span', { class: 'chip reason', text: reasonName(q.reason) }));
      if (q.intent) chips.push(el('span', { class: 'chip intent', text: intentName(q.intent) }));
      if (q.channel) chips.push(el('span', { class: 'chip channel' + (q.channel === 'kakao' ? ' kakao' : ''), text: T.channels[q.channel] || q.channel }));
      var btn = el('button', {
        type: 'button', class: 'primary small claim', text: T.claim, 'aria-label': T.claim + ': ' + name,
        onclick: function () {
          if (atCapacity()) return;
          btn.disabled = true; btn.setAttribute('data-claiming', '1');
          send({ type: 'claim', conversation: q.conversation });
        }
      });
      ol.appendChild(el('li', { class: 'qitem prio-' + level, 'data-conv': q.conversation, 'data-prio': level }, [
        el('div', { class: 'qtop' }, [
          el('span', { class: 'qpos', text: String(q.position) }),
          el('strong', { class: 'qname' + (unlinkedKakao(q.member, q.channel) ? ' unlinked' : ''), text: name }),
          el('span', { class: 'wait', 'data-wait': String(q.waiting_s || 0), 'aria-label': T.waiting, text: dur(q.waiting_s || 0) })
        ]),
        q.preview ? el('p', { class: 'preview', text: q.preview }) : null,
        el('div', { class: 'qbottom' }, [el('div', { class: 'chips' }, chips), btn])
      ]));
      if (keepId === q.conversation) btn.focus();
    });
    renderCapacity();
    tick();
  }

  function renderLegend() {
    var box = $('legend-body');
    box.textContent = '';
    box.appendChild(el('p', { class: 'small', text: T.legendOrder }));
    box.appendChild(el('dl', { class: 'legend-list' }, ['urgent', 'high', 'normal'].reduce(function (a, k) {
      return a.concat([el('dt', {}, [el('span', { class: 'chip prio prio-' + k, text: T.prio[k] })]), el('dd', { class: 'small', text: T.prioWhy[k] })]);
    }, [])));
  }

  function tick() {
    var extra = (Date.now() - S.queueAt) / 1000;
    document.querySelectorAll('#qlist .wait').forEach(function (n) {
      var s = Number(n.getAttribute('data-wait')) + extra;
      n.textContent = dur(s);
      n.classList.toggle('long', s >= 300);
    });
    S.order.forEach(function (id) {
      var c = S.convs[id];
      if (c.typingUntil && c.typingUntil < Date.now()) { c.typingUntil = 0; if (id === S.active) renderTyping(); }
    });
  }
  setInterval(tick, 1000);

  /* ---- tabs ------------------------------------------------------------------------- */

  function renderTabs() {
    var box = $('tabs');
    box.textContent = '';
    S.order.forEach(function (id, i) {
      var c = S.convs[id], p = c.packet || {};
      var sel = id === S.active;
      var label = memberLabel(p.member, p.channel, true);
      var tab = el('button', {
        type: 'button', role: 'tab', class: 'tab' + (c.closed ? ' closed' : '') + (c.unread ? ' has-unread' : ''),
        id: 'tab-' + id, 'data-conv': id, 'aria-selected': String(sel), 'aria-controls': 'conv', tabindex: sel ? '0' : '-1',
        onclick: function () { activate(id); },
        onkeydown: function (e) {
          var d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
          if (!d) return;
          e.preventDefault();
          var j = (i + d + S.order.length) % S.order.length;
          activate(S.order[j]);
          var t = $('tab-' + S.order[j]); if (t) t.focus();
        }
      }, [
        el('span', { class: 'tab-name', text: label }),
        c.unread ? el('span', { class: 'unread', 'aria-label': T.unread(c.unread), text: String(c.unread) }) : null,
        c.rated ? el('span', { class: 'tab-rated', 'aria-label': T.rated(c.rated), text: '★' + c.rated }) : null
      ]);
      var wrap = el('div', { class: 'tabwrap' + (sel ? ' sel' : '') }, [tab]);
      if (c.closed) wrap.appendChild(el('button', { type: 'button', class: 'tab-x', 'aria-label': T.closeTab + ': ' + label, title: T.closeTab, text: '×', onclick: function () { closeTab(id); } }));
      box.appendChild(wrap);
    });
  }

  /* ---- conversation pane ------------------------------------------------------------- */

  function msgNode(m) {
    if (m.from === 'system') return el('div', { class: 'msg system', 'data-seq': m.seq != null ? String(m.seq) : null }, [el('span', { text: m.text })]);
    // Transcript entries carry no agent name (see PROTOCOL.md): unnamed ones are just "agent".
    var me = S.me && m.from === 'agent' && m.name === S.me.name;
    var pk = S.convs[S.active].packet || {};
    var who = m.from === 'customer' ? memberLabel(pk.member, pk.channel, true)
      : m.from === 'bot' ? T.bot : me ? T.you : (m.name || T.agentLbl);
    var side = m.from === 'customer' ? 'left' : 'right';
    return el('div', {
      class: 'msg ' + side + ' from-' + m.from + (m.pending ? ' pending' : ''),
      'data-seq': m.seq != null ? String(m.seq) : null, 'data-id': m.id || null
    }, [
      el('div', { class: 'msg-head' }, [
        el('span', { class: 'msg-who', text: who }),
        m.from === 'bot' && m.intent ? el('span', { class: 'chip intent small', text: intentName(m.intent) }) : null,
        el('time', { class: 'msg-time', datetime: m.at || '', text: m.pending ? T.pending : timeOf(m.at) })
      ]),
      el('div', { class: 'bubble' }, [el('span', { class: 'sr', text: who + ': ' }), m.text])
    ]);
  }

  function renderConv() {
    var c = S.active && S.convs[S.active];
    $('conv').hidden = !c;
    $('nothing').hidden = !!c;
    $('context').hidden = !c;
    $('mv-ctx').disabled = !c;
    if (!c && $('desk').getAttribute('data-mview') === 'ctx') setMView('conv');
    if (!c) return;
    var p = c.packet || {};
    $('conv-name').textContent = memberLabel(p.member, p.channel);
    var bits = [T.channels[p.channel] || p.channel, reasonName(p.reason)];
    if (p.waited_s != null) bits.push(T.waited(dur(p.waited_s)));
    $('conv-sub').textContent = bits.filter(Boolean).join(' · ');
    var tr = $('transcript');
    tr.textContent = '';
    c.msgs.forEach(function (x) { tr.appendChild(msgNode(x)); });
    c.pending.forEach(function (x) { tr.appendChild(msgNode(x)); });
    tr.scrollTop = tr.scrollHeight;
    var closed = !!c.closed;
    $('closed-banner').hidden = !closed;
    $('closed-banner').textContent = closed ? (c.closed === 'resolved' ? T.resolvedBanner : c.closed === 'transferred' ? T.transferredBanner : T.lostBanner) + (c.rated ? ' ' + T.rated(c.rated) : '') : '';
    $('composer').hidden = closed;
    $('actions').hidden = closed;
    $('note-form').hidden = closed;
    if (S.shownConv !== c.id) { S.shownConv = c.id; $('transfer-to').value = ''; }
    renderTransferOptions();
    renderTyping();
    renderContext(c);
    renderNotes(c);
  }

  function appendMsg(c, m) {
    if (m.seq != null) {
      for (var i = 0; i < c.msgs.length; i++) if (c.msgs[i].seq === m.seq) return false;
      c.msgs.push(m);
      c.msgs.sort(function (a, b) { return a.seq - b.seq; });
    }
    if (c.id === S.active) {
      var tr = $('transcript');
      var stick = tr.scrollHeight - tr.scrollTop - tr.clientHeight < 80;
      var node = msgNode(m);
      var firstPending = tr.querySelector('.pending');
      if (m.seq != null && firstPending) tr.insertBefore(node, firstPending); else tr.appendChild(node);
      if (stick || m.from === 'agent') tr.scrollTop = tr.scrollHeight;
    }
    return true;
  }

  function renderTyping() {
    var c = S.active && S.convs[S.active];
    var on = c && c.typingUntil > Date.now();
    $('typing').hidden = !on;
    $('typing').textContent = on ? T.typing : '';
  }

  /* No destination is chosen until the agent picks one: sending a customer
   * back to the queue is a choice like any other, never a default. */
  function renderTransferOptions() {
    var sel = $('transfer-to');
    var cur = sel.value;
    sel.textContent = '';
    sel.appendChild(el('option', { value: '', text: T.chooseTransfer, disabled: true }));
    var agents = S.cast ? S.cast.agents : [];
    agents.forEach(function (a) {
      if (S.me && a.id === S.me.id) return;
      sel.appendChild(el('option', { value: String(a.id), text: T.toAgent(a.name) }));
    });
    if (!S.cast) {
      // Outside demo mode there is no agent directory: let the agent type an id.
      sel.appendChild(el('option', { value: 'ask', text: LANG === 'en' ? 'Agent by id…' : '상담직원 번호로…' }));
    }
    sel.appendChild(el('option', { value: 'queue', text: T.toQueue }));
    sel.value = cur || '';
    if (sel.selectedIndex < 0) sel.value = '';
    $('transfer').disabled = !sel.value;
  }
  $('transfer-to').addEventListener('change', function () { $('transfer').disabled = !$('transfer-to').value; });

  function kv(label, value, cls) {
    return [el('dt', { text: label }), el('dd', { class: cls || null }, [value == null || value === '' ? '—' : value])];
  }

  // Names for the packet's fields, the attachments' record kinds and columns
  // (the queries in intents/*.json) and their coded values, in the console's
  // language; wording as in the intents' own labels. A value with no entry
  // here is data (a name, a number, a date) and is shown as it is.
  var FIELDS = {
    ko: {
      month: '월', amount: '금액', vat: '부가세', failure_reason: '실패 사유', business_reg_no: '사업자등록번호',
      business_status: '사업자 상태', issued_at: '발행 시각', account_no: '계정 번호', account_id: '계정 ID', name: '이름',
      status: '상태', created_at: '시각', expires_at: '만료', remaining: '남은 금액', kind: '종류',
      off_reason: '중지 사유', cash_balance: '캐시 잔액', slot: '카드 순서', issuer: '카드사', last4: '카드 끝 4자리',
      result: '결과', decline_reason: '실패 사유', run_at: '결제 시각', via_kakaopay: '카카오페이 등록', state: '상태',
      last_used_at: '마지막 사용', method: '결제 수단', payer: '결제한 멤버', refundable: '환불 가능 금액', bank: '은행',
      number: '계좌번호', holder: '예금주', granted_at: '지급일', sms_phone: '안내 문자 번호', paid_at: '입금 시각',
      autopay: '자동결제', scheduled_amount: '예약 충전 금액', next_charge_at: '다음 결제', enabled: '사용',
      card_last4: '카드 끝 4자리', period: '기간', due_at: '입금 기한'
    },
    en: {
      month: 'Month', amount: 'Amount', vat: 'VAT', failure_reason: 'Failure reason', business_reg_no: 'Business reg. no.',
      business_status: 'Business status', issued_at: 'Issued', account_no: 'Account no.', account_id: 'Account ID', name: 'Name',
      status: 'Status', created_at: 'Time', expires_at: 'Expires', remaining: 'Remaining', kind: 'Kind',
      off_reason: 'Stopped because', cash_balance: 'Cash balance', slot: 'Card order', issuer: 'Issuer', last4: 'Card ending',
      result: 'Result', decline_reason: 'Decline reason', run_at: 'Charged at', via_kakaopay: 'Via KakaoPay', state: 'State',
      last_used_at: 'Last used', method: 'Method', payer: 'Paid by', refundable: 'Refundable', bank: 'Bank',
      number: 'Account number', holder: 'Holder', granted_at: 'Granted', sms_phone: 'SMS number', paid_at: 'Paid at',
      autopay: 'Auto-payment', scheduled_amount: 'Scheduled amount', next_charge_at: 'Next charge', enabled: 'Enabled',
      card_last4: 'Card ending', period: 'Period', due_at: 'Due'
    }
  }[LANG];
  var KINDS = {
    ko: { account: '광고계정', failed: '발행 실패 세금계산서', business: '사업자 정보', invoices: '세금계산서', attempts: '결제 시도', run: '자동결제 시도', cards: '결제카드', grants: '무상캐시', tx: '충전·환불 내역', pays: '탈퇴 멤버 결제', refund: '환불 계좌', last: '가상계좌', acct: '광고계정 상태' },
    en: { account: 'Ad account', failed: 'Failed tax invoices', business: 'Business details', invoices: 'Tax invoices', attempts: 'Payment attempts', run: 'Auto-payment attempts', cards: 'Payment cards', grants: 'Free cash', tx: 'Charges and refunds', pays: 'Payments by departed members', refund: 'Refund account', last: 'Virtual account', acct: 'Account status' }
  }[LANG];
  var VALUES = {
    ko: {
      failure_reason: { business_closed: '폐업한 사업자', invalid_reg_no: '사업자등록번호 오류', business_suspended: '휴업 중인 사업자', other: '기타 사유' },
      business_status: { active: '정상', closed: '폐업', suspended: '휴업' },
      off_reason: { insufficient_balance: '잔액 부족', manual: '직접 OFF', review: '심사', suspended: '이용 정지' },
      status: { on: 'ON (운영 중)', off: 'OFF (중지)', failed: '발행 실패', issued: '발행 완료', pending: '발행 대기', active: '정상', departed: '탈퇴' },
      result: { success: '결제 성공', declined: '결제 실패', error: '오류로 실패' },
      decline_reason: { limit_exceeded: '한도 초과', insufficient_funds: '잔액 부족', card_expired: '유효기간 만료', card_suspended: '정지된 카드', dormant_card: '휴면 카드' },
      kind: { personal: '개인카드', corporate: '법인카드', shared_corporate: '공용법인카드', charge: '충전', refund: '환불' },
      state: { active: '정상', dormant: '휴면', expired: '만료', used_up: '사용 완료', in_use: '사용 중', paid: '입금 완료', waiting: '입금 대기' },
      method: { card: '카드', autopay_card: '카드 자동결제', virtual_account: '1회성 가상계좌', bank_transfer: '계좌이체', cash_refund: '현금 환불', card_cancel: '카드 취소' },
      slot: { 0: '결제카드', 1: '예비카드1', 2: '예비카드2' },
      period: { today: '오늘', yesterday: '어제', this_week: '이번 주', last_week: '지난 주', last_7_days: '최근 7일', last_14_days: '최근 14일', last_30_days: '최근 30일', this_month: '이번 달', last_month: '지난 달', all: '전체 기간', custom: '직접 고른 기간' },
      bool: { 0: '아니요', 1: '예' }
    },
    en: {
      failure_reason: { business_closed: 'business closed', invalid_reg_no: 'invalid registration number', business_suspended: 'business suspended', other: 'another reason' },
      business_status: { active: 'active', closed: 'closed', suspended: 'suspended' },
      off_reason: { insufficient_balance: 'insufficient balance', manual: 'turned off by hand', review: 'under review', suspended: 'suspended' },
      status: { on: 'ON (running)', off: 'OFF (stopped)', failed: 'failed', issued: 'issued', pending: 'pending', active: 'active', departed: 'departed' },
      result: { success: 'paid', declined: 'declined', error: 'failed with an error' },
      decline_reason: { limit_exceeded: 'over the limit', insufficient_funds: 'insufficient funds', card_expired: 'card expired', card_suspended: 'card suspended', dormant_card: 'dormant card' },
      kind: { personal: 'personal card', corporate: 'corporate card', shared_corporate: 'shared corporate card', charge: 'charge', refund: 'refund' },
      state: { active: 'active', dormant: 'dormant', expired: 'expired', used_up: 'used up', in_use: 'in use', paid: 'paid', waiting: 'awaiting payment' },
      method: { card: 'card', autopay_card: 'card auto-payment', virtual_account: 'one-time virtual account', bank_transfer: 'bank transfer', cash_refund: 'cash refund', card_cancel: 'card cancellation' },
      slot: { 0: 'main card', 1: 'backup card 1', 2: 'backup card 2' },
      period: { today: 'today', yesterday: 'yesterday', this_week: 'this week', last_week: 'last week', last_7_days: 'the last 7 days', last_14_days: 'the last 14 days', last_30_days: 'the last 30 days', this_month: 'this month', last_month: 'last month', all: 'all time', custom: 'a chosen period' },
      bool: { 0: 'no', 1: 'yes' }
    }
  }[LANG];
  var BOOL_FIELDS = { via_kakaopay: 1, autopay: 1, enabled: 1, dormant: 1, idle_shared: 1, off_for_balance: 1, payer_departed: 1 };
  var MONEY = /amount|balance|cash|won|price|total|sum|charge|refund|vat|remaining|refundable/i;
  function fieldName(k) { return FIELDS[k] || k; }

  function fmtValue(k, v) {
    if (v == null || v === '') return '—';
    var table = VALUES[k];
    if (table && Object.prototype.hasOwnProperty.call(table, String(v))) return table[String(v)];
    if (BOOL_FIELDS[k] && (v === 0 || v === 1)) return VALUES.bool[v];
    if (typeof v === 'number' && MONEY.test(k)) return won(v);
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v)) {
      // SQLite times are UTC without a zone
      var iso = v.replace(' ', 'T') + (/Z|[+-]\d\d:?\d\d$/.test(v) ? '' : 'Z');
      return fmtDate.format(new Date(iso));
    }
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function renderContext(c) {
    var p = c.packet || {}, m = p.member, a = p.account;
    var unlinked = unlinkedKakao(m, p.channel);
    var box = $('ctx');
    box.textContent = '';
    var sub = m && m.id ? T.member + ' #' + m.id : unlinked ? T.channels.kakao : '';
    var head = el('section', { class: 'ctx-card member' }, [
      el('div', { class: 'ctx-member' }, [
        el('span', { class: 'av big' + (unlinked ? ' kakao' : ''), 'aria-hidden': 'true', text: m && m.name ? m.name.slice(0, 1) : unlinked ? 'K' : '·' }),
        el('div', {}, [el('h3', { text: memberLabel(m, p.channel) }), sub ? el('span', { class: 'muted small', text: sub }) : null])
      ]),
      unlinked ? el('p', { class: 'small unlinked-note', text: T.kakaoUnlinkedNote }) : null,
      el('dl', { class: 'kv' }, [].concat(
        kv(T.channel, T.channels[p.channel] || p.channel),
        kv(T.reason, reasonName(p.reason)),
        kv(T.intent, intentName(p.intent)),
        p.slots && Object.keys(p.slots).length ? kv(T.slots, Object.keys(p.slots).map(function (k) { return fieldName(k) + ': ' + fmtValue(k, p.slots[k]); }).join(', ')) : []
      ))
    ]);
    box.appendChild(head);
    var acct = el('section', { class: 'ctx-card' }, [el('h3', { text: T.account })]);
    if (a) {
      acct.appendChild(el('dl', { class: 'kv' }, [].concat(
        kv(fieldName('name'), a.name),
        kv(T.accountNo, a.account_no, 'mono'),
        kv(T.status, el('span', { class: 'pill ' + (a.status === 'on' ? 'ok' : 'warn'), text: fmtValue('status', a.status) })),
        a.off_reason ? kv(fieldName('off_reason'), fmtValue('off_reason', a.off_reason)) : [],
        a.business_status ? kv(fieldName('business_status'), fmtValue('business_status', a.business_status)) : [],
        a.cash_balance != null ? kv(T.balance, won(a.cash_balance), 'num') : []
      )));
    } else {
      acct.appendChild(el('p', { class: 'muted small', text: unlinked || !(p.accounts && p.accounts.length) ? T.noMemberAccount : T.noAccount }));
    }
    if (p.accounts && p.accounts.length) {
      acct.appendChild(el('h4', { text: T.accounts }));
      acct.appendChild(el('ul', { class: 'acct-list' }, p.accounts.map(function (x) {
        return el('li', { class: a && a.id === x.id ? 'cur' : null }, [el('span', { text: x.name }), el('span', { class: 'mono muted', text: x.account_no })]);
      })));
    }
    box.appendChild(acct);
    var att = el('section', { class: 'ctx-card' }, [el('h3', { text: T.attachments })]);
    var list = p.attachments || [];
    if (!list.length) att.appendChild(el('p', { class: 'muted small', text: T.noAttachments }));
    list.forEach(function (x) {
      var body;
      if (Array.isArray(x.rows)) {
        // one record per row, each a small key/value list (panel is narrow)
        body = x.rows.length ? el('div', { class: 'attach-rows' }, x.rows.map(function (r) {
          // Only the columns named in FIELDS: the others are the answer
          // template's own arithmetic (reg_len, still_closed, ...), not a record.
          var rows = [];
          Object.keys(r).filter(function (k) { return FIELDS[k]; }).forEach(function (k) { rows = rows.concat(kv(fieldName(k), fmtValue(k, r[k]), typeof r[k] === 'number' && MONEY.test(k) ? 'num' : null)); });
          return el('dl', { class: 'kv small attach-row' }, rows);
        })) : el('p', { class: 'muted small', text: '—' });
      } else {
        var rows = [];
        Object.keys(x).forEach(function (k) { if (k !== 'kind') rows = rows.concat(kv(fieldName(k), fmtValue(k, x[k]))); });
        body = el('dl', { class: 'kv small' }, rows);
      }
      att.appendChild(el('div', { class: 'attach', 'data-kind': x.kind || '' }, [
        el('div', { class: 'attach-kind', text: KINDS[x.kind] || x.kind || '' }),
        body
      ]));
    });
    box.appendChild(att);
  }

  function renderNotes(c) {
    var ul = $('notes');
    ul.textContent = '';
    if (!c.notes.length) ul.appendChild(el('li', { class: 'muted small empty-note', text: T.noNotes }));
    c.notes.forEach(function (n) {
      ul.appendChild(el('li', { class: 'note' }, [
        el('div', { class: 'note-head' }, [el('strong', { text: n.agent || '' }), el('time', { text: n.at ? fmtDate.format(new Date(n.at)) : '' })]),
        el('p', { text: n.text })
      ]));
    });
  }

  /* ---- actions ------------------------------------------------------------------------ */

  function sendReply() {
    var c = S.convs[S.active];
    var ta = $('reply');
    var text = ta.value.trim();
    if (!c || c.closed || !text) return;
    var m = { id: 'a-' + Date.now().toString(36) + '-' + (S.nextId++), from: 'agent', name: S.me && S.me.name, text: text, pending: true, conv: c.id };
    c.pending.push(m);
    ta.value = '';
    stopTyping();
    appendMsg(c, m);
    send({ type: 'message', conversation: c.id, id: m.id, text: text });
  }

  $('composer').addEventListener('submit', function (e) { e.preventDefault(); sendReply(); });
  $('reply').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); sendReply(); }
  });
  var typingSent = 0, typingConv = null;
  $('reply').addEventListener('input', function () {
    if (!S.active) return;
    var now = Date.now();
    if (typingConv !== S.active || now - typingSent > 3000) {
      typingSent = now; typingConv = S.active;
      send({ type: 'typing', conversation: S.active, on: true });
    }
  });
  function stopTyping() {
    if (typingSent && typingConv && S.convs[typingConv] && !S.convs[typingConv].closed) send({ type: 'typing', conversation: typingConv, on: false });
    typingSent = 0; typingConv = null;
  }
  $('reply').addEventListener('blur', stopTyping);

  $('note-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('note').value.trim();
    if (!text || !S.active) return;
    if (send({ type: 'note', conversation: S.active, text: text })) $('note').value = '';
  });
  $('note').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $('note-form').requestSubmit(); }
  });

  $('transfer').addEventListener('click', function () {
    if (!S.active) return;
    var v = $('transfer-to').value, to = null;
    if (v === 'ask') {
      var s = window.prompt(LANG === 'en' ? 'Agent id' : '상담직원 번호');
      if (!s || !/^\d+$/.test(s.trim())) return;
      to = Number(s.trim());
    } else if (v !== 'queue') {
      to = Number(v);
    }
    if (!v) return;
    if (send({ type: 'transfer', conversation: S.active, to: to })) {
      if (to === null) S.releasedAt[S.active] = Date.now();
      $('transfer-to').value = '';
      $('transfer').disabled = true;
    }
  });

  /* Resolving closes the conversation for good and asks the customer for a
   * rating, so it is confirmed first. */
  $('resolve').addEventListener('click', function () {
    var c = S.active && S.convs[S.active];
    if (!c || c.closed) return;
    var dlg = $('resolve-dialog');
    dlg.setAttribute('data-conv', c.id);
    $('resolve-who').textContent = memberLabel(c.packet.member, c.packet.channel) + ' · ' + (T.channels[c.packet.channel] || c.packet.channel || '');
    dlg.returnValue = '';
    dlg.showModal();
  });
  $('resolve-dialog').addEventListener('close', function () {
    var dlg = $('resolve-dialog'), id = dlg.getAttribute('data-conv');
    dlg.removeAttribute('data-conv');
    if (dlg.returnValue === 'resolve' && id && S.convs[id] && !S.convs[id].closed) send({ type: 'resolve', conversation: id });
    $('resolve').focus();
  });


  /* ---- notices: a sound and a desktop notification while in the background ---------- */

  var Notices = (function () {
    var KEY = 'botd.agent.notices';
    var prefs = { sound: true, desktop: true, asked: false };
    try {
      var saved = JSON.parse(localStorage.getItem(KEY) || 'null');
      if (saved) Object.keys(prefs).forEach(function (k) { if (typeof saved[k] === 'boolean') prefs[k] = saved[k]; });
    } catch (e) { /* no storage: defaults for this page */ }
    function save() { try { localStorage.setItem(KEY, JSON.stringify(prefs)); } catch (e) { /* not remembered */ } }

    function permission() { return typeof window.Notification === 'function' ? window.Notification.permission : 'unsupported'; }

    // One context for the page, made on first use; browsers let it play only
    // after a gesture, so the first click or key press in the page resumes it.
    var audio = null, lastSound = 0;
    function ctx() {
      var AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return null;
      if (!audio) { try { audio = new AC(); } catch (e) { return null; } }
      return audio;
    }
    function wake() { if (!prefs.sound) return; var a = ctx(); if (a && a.state === 'suspended' && a.resume) a.resume(); }
    document.addEventListener('pointerdown', wake, true);
    document.addEventListener('keydown', wake, true);

    // Two rising notes for a new queue item, one for a message: short sines
    // with a soft attack and decay, synthesised here (nothing is fetched).
    function chime(kind) {
      if (!prefs.sound) return;
      var now = Date.now();
      if (now - lastSound < 1200) return;
      lastSound = now;
      var a = ctx();
      if (!a) return;
      var notes = kind === 'queue' ? [659.25, 987.77] : [880];
      var t0 = a.currentTime + 0.02;
      notes.forEach(function (hz, i) {
        var o = a.createOscillator(), g = a.createGain(), t = t0 + i * 0.17;
        o.type = 'sine';
        o.frequency.setValueAtTime(hz, t);
        g.gain.setValueAtTime(0.0001, t);
        g.gain.exponentialRampToValueAtTime(0.18, t + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, t + 0.32);
        o.connect(g);
        g.connect(a.destination);
        o.start(t);
        o.stop(t + 0.35);
      });
    }

    function desktop(title, body, tag, onclick) {
      if (!prefs.desktop || permission() !== 'granted') return;
      try {
        var n = new window.Notification(title, { body: body, tag: tag, lang: LANG });
        n.onclick = function () { window.focus(); if (onclick) onclick(); if (n.close) n.close(); };
      } catch (e) { /* some platforms allow notifications only from a service worker */ }
    }

    function background() { return document.hidden || (typeof document.hasFocus === 'function' && !document.hasFocus()); }

    function request() {
      prefs.asked = true;
      save();
      if (permission() !== 'default') { render(); return; }
      Promise.resolve(window.Notification.requestPermission()).then(function (p) {
        if (p !== 'granted') prefs.desktop = false;
        save();
        render();
      }, render);
    }

    function render() {
      var perm = permission();
      $('n-sound').checked = prefs.sound;
      $('n-desktop').checked = prefs.desktop && perm === 'granted';
      $('n-desktop').disabled = perm === 'unsupported' || perm === 'denied';
      $('n-status').textContent = perm === 'unsupported' ? T.notifUnsupported : perm === 'denied' ? T.notifDenied
        : perm === 'granted' ? (prefs.desktop ? T.notifOn : '') : T.notifAsk;
      // Asked once: the bar shows until the agent answers it either way.
      $('ask-notices').hidden = !(S.me && perm === 'default' && prefs.desktop && !prefs.asked);
      $('notices-btn').classList.toggle('off', !prefs.sound && !(prefs.desktop && perm === 'granted'));
    }

    $('n-sound').addEventListener('change', function () {
      prefs.sound = $('n-sound').checked;
      save();
      if (prefs.sound) wake();
      render();
    });
    $('n-desktop').addEventListener('change', function () {
      prefs.desktop = $('n-desktop').checked;
      save();
      if (prefs.desktop && permission() === 'default') request(); else render();
    });
    $('ask-yes').addEventListener('click', function () { prefs.desktop = true; request(); });
    $('ask-no').addEventListener('click', function () { prefs.asked = true; prefs.desktop = false; save(); render(); });

    return {
      render: render,
      // KIND 'queue' or 'message'; says nothing while the agent is looking.
      notify: function (kind, title, body, tag, onclick) {
        if (!background()) return;
        chime(kind);
        desktop(title, body, tag, onclick);
      }
    };
  })();

  function clip(text, n) { text = String(text || '').replace(/\s+/g, ' ').trim(); return text.length > n ? text.slice(0, n - 1) + '…' : text; }

  /* New queue items since the last snapshot; the first snapshot after a
   * (re)connect only sets what is known. A conversation this agent just sent
   * back to the queue is not news to them. */
  function queueNews(items) {
    var known = S.queueKnown, next = {};
    items.forEach(function (q) { next[q.conversation] = true; });
    S.queueKnown = next;
    if (!known) return;
    var fresh = items.filter(function (q) {
      return !known[q.conversation] && !(S.releasedAt[q.conversation] && Date.now() - S.releasedAt[q.conversation] < 10000);
    });
    if (!fresh.length) return;
    var q = fresh[0];
    var who = memberLabel(q.member, q.channel);
    var body = [reasonName(q.reason), q.preview ? clip(q.preview, 100) : null].filter(Boolean).join(' · ');
    if (fresh.length > 1) body += LANG === 'en' ? ' (+' + (fresh.length - 1) + ' more)' : ' (외 ' + (fresh.length - 1) + '건)';
    Notices.notify('queue', T.notifQueue(who), body, 'queue', function () { setMView('queue'); var b = document.querySelector('#qlist .qitem[data-conv="' + q.conversation + '"] .claim'); if (b) b.focus(); });
  }

  /* ---- frames ------------------------------------------------------------------------- */

  function handle(f) {
    var c = f.conversation && S.convs[f.conversation];
    switch (f.type) {
      case 'welcome': {
        S.queueKnown = null;
        S.ready = true;
        S.attempt = 0;
        S.refreshed = false;
        S.me = f.agent;
        S.max = f.max_concurrent;
        $('whoami').textContent = f.agent.name;
        setConn('online');
        Notices.render();
        var live = {};
        (f.conversations || []).forEach(function (x) {
          var id = x.conversation, packet = x.packet || x;
          live[id] = true;
          openConv(id, packet, false);
        });
        // Conversations we no longer own (grace ran out) stay as closed tabs.
        S.order.forEach(function (id) { if (!live[id] && !S.convs[id].closed) S.convs[id].closed = 'lost'; });
        // Re-send replies that were never acknowledged (same id: the server answers with the stored seq).
        S.order.forEach(function (id) {
          var cc = S.convs[id];
          if (cc.closed) return;
          cc.pending.forEach(function (m) { send({ type: 'message', conversation: id, id: m.id, text: m.text }); });
        });
        renderTabs();
        renderConv();
        updateLoad();
        clearInterval(S.ping);
        S.ping = setInterval(function () { send({ type: 'ping' }); }, 25000);
        break;
      }
      case 'queue':
        S.queue = f.items || [];
        S.queueAt = Date.now();
        queueNews(S.queue);
        if (f.agents_online != null) S.agentsOnline = f.agents_online;
        renderQueue();
        updateTitle();
        break;
      case 'claimed':
        openConv(f.conversation, f.packet, true);
        setMView('conv');
        $('reply').focus();
        break;
      case 'assigned': {
        openConv(f.conversation, f.packet, !S.active || (S.convs[S.active] && S.convs[S.active].closed));
        if (f.conversation !== S.active) { S.convs[f.conversation].unread = Math.max(1, S.convs[f.conversation].unread); renderTabs(); }
        var given = memberLabel((f.packet || {}).member, (f.packet || {}).channel);
        toast(T.notifAssigned(given));
        Notices.notify('message', T.notifAssigned(given), reasonName((f.packet || {}).reason), f.conversation, function () { activate(f.conversation); setMView('conv'); });
        break;
      }
      case 'ack': {
        if (!c) break;
        var idx = -1;
        c.pending.forEach(function (m, i) { if (m.id === f.id) idx = i; });
        if (idx < 0) break;
        var m = c.pending.splice(idx, 1)[0];
        m.pending = false; m.seq = f.seq; m.at = f.at || new Date().toISOString();
        if (c.id === S.active) {
          var node = document.querySelector('#transcript .pending[data-id="' + CSS.escape(m.id) + '"]');
          if (node) node.remove();
        }
        appendMsg(c, m);
        break;
      }
      case 'customer_message':
        if (!c) break;
        c.typingUntil = 0;
        if (appendMsg(c, { seq: f.seq, from: 'customer', text: f.text, at: f.at })) {
          if (f.conversation !== S.active || document.hidden) { c.unread++; renderTabs(); updateTitle(); }
          Notices.notify('message', T.notifMsg(memberLabel(c.packet.member, c.packet.channel, true)), clip(f.text, 140), f.conversation,
            function () { activate(f.conversation); setMView('conv'); });
        }
        if (f.conversation === S.active) renderTyping();
        break;
      case 'typing':
        if (!c) break;
        c.typingUntil = f.on ? Date.now() + (f.expires_s || 5) * 1000 : 0;
        if (f.conversation === S.active) renderTyping();
        break;
      case 'noted':
        if (!c) break;
        c.notes.push(f.note);
        if (f.conversation === S.active) renderNotes(c);
        break;
      case 'released':
        if (!c) break;
        c.closed = f.reason || 'released';
        c.typingUntil = 0;
        renderTabs();
        if (f.conversation === S.active) renderConv();
        updateLoad();
        break;
      case 'rated':
        if (!c) break;
        c.rated = f.score;
        renderTabs();
        if (f.conversation === S.active) renderConv();
        toast(memberLabel(c.packet.member, c.packet.channel, true) + ' · ' + T.rated(f.score));
        break;
      case 'error':
        if (f.code === 'unauthorized') {
          setConn('expired');
          if (S.demoAgent && !S.refreshed) {
            S.refreshed = true; // once per successful login, so a refused demo token cannot loop
            demoToken(S.demoAgent).then(function (t) { S.token = t; S.attempt = 1; setTimeout(connect, 500); }, function () { /* stays expired */ });
          }
        }
        if (f.code === 'already_claimed' || f.code === 'not_found' || f.code === 'at_capacity') renderQueue();
        toast(T.errors[f.code] || f.message || f.code, 'err');
        break;
      case 'notice':
        if (f.code === 'going_away') setConn('offline');
        break;
      default:
        break;
    }
  }

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && S.active && S.convs[S.active]) { S.convs[S.active].unread = 0; renderTabs(); updateTitle(); }
  });

  /* ---- boot ------------------------------------------------------------------------- */

  applyStatic();
  var saved = null, savedDemo = null;
  try { saved = sessionStorage.getItem('botd.agent.token'); savedDemo = sessionStorage.getItem('botd.agent.demo'); } catch (e) { /* ignore */ }
  var pre = params.get('token');
  fetch('/demo/cast').then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; }).then(function (cast) {
    S.cast = cast;
    if (pre) startWith(pre, null);
    else if (savedDemo && cast) demoToken(savedDemo).then(function (t) { startWith(t, savedDemo); }, loginView);
    else if (saved) startWith(saved, null);
    else loginView();
  });
})();

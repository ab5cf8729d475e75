/* The demo host page (index.html): pick a demo member from /demo/cast and
 * mount the widget with a demo token; outside demo mode, paste a token
 * (or pass ?token=). ?lang=en for English, ?member=ID to preselect. */
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var lang = params.get('lang') === 'en' ? 'en' : 'ko';
  var T = {
    ko: {
      title: '광고 결제 상담 · botd', brand: 'botd 상담 데모', brandsub: '카카오모먼트 결제 상담', other: 'English', otherHref: '?lang=en',
      agent: '상담직원 콘솔', side: '광고주로 상담해 보기',
      lead: '데모 광고주를 고르면 그 광고주의 계정 데이터로 상담봇이 답합니다. 답하지 못하는 질문은 상담직원에게 넘어가요.',
      pick: '왼쪽에서 광고주를 골라 주세요.', accounts: '계정', reset: '새 상담 시작',
      as: function (n) { return n + ' 광고주로 상담 중'; }, change: '광고주 바꾸기', hideList: '목록 접기',
      hint: '예: “무상캐시 얼마 남았나요?”, “이번 달 충전 내역 보여줘”, “자동결제가 실패했어요”. 상담직원 콘솔을 다른 창에서 열어 두면 상담 연결을 받아 볼 수 있어요.',
      tokenTitle: '상담 토큰으로 시작', tokenLead: '데모 모드가 아니에요. 호스트 사이트가 발급한 토큰을 붙여 넣으세요.', start: '시작', chatLabel: '상담 창', nav: '페이지'
    },
    en: {
      title: 'Billing support · botd', brand: 'botd support demo', brandsub: 'Kakao Moment billing', other: '한국어', otherHref: '?',
      agent: 'Agent console', side: 'Chat as an advertiser',
      lead: 'Pick a demo advertiser and the bot answers from that advertiser\'s own account data. Questions it cannot answer go to an agent.',
      pick: 'Pick an advertiser on the left.', accounts: 'accounts', reset: 'Start a new conversation',
      as: function (n) { return 'Chatting as ' + n; }, change: 'Change advertiser', hideList: 'Hide the list',
      hint: 'Try “How much free cash do I have left?”, “Show this month\'s charges”, “My auto-payment failed”. Keep the agent console open in another window to take handoffs.',
      tokenTitle: 'Start with a token', tokenLead: 'This server is not in demo mode. Paste a token issued by the host site.', start: 'Start', chatLabel: 'Chat', nav: 'Page'
    }
  }[lang];
  document.documentElement.lang = lang;
  document.title = T.title;
  function $(id) { return document.getElementById(id); }
  $('brand').textContent = T.brand; $('brandsub').textContent = T.brandsub;
  $('langlink').textContent = T.other;
  var keep = new URLSearchParams(location.search); if (lang === 'en') keep.delete('lang'); else keep.set('lang', 'en');
  $('langlink').href = '?' + keep.toString();
  $('langlink').setAttribute('lang', lang === 'en' ? 'ko' : 'en');
  $('agentlink').textContent = T.agent; $('agentlink').href = '/agent.html' + (lang === 'en' ? '?lang=en' : '');
  $('nav').setAttribute('aria-label', T.nav);
  $('side-title').textContent = T.side; $('lead').textContent = T.lead; $('empty').textContent = T.pick;
  $('chatwrap').setAttribute('aria-label', T.chatLabel);

  var widget = null;
  $('change').addEventListener('click', function () {
    var open = !$('side').classList.contains('open');
    $('side').classList.toggle('open', open);
    $('change').setAttribute('aria-expanded', String(open));
    $('change').textContent = open ? T.hideList : T.change;
  });
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) { if (k === 'text') e.textContent = attrs[k]; else if (k === 'class') e.className = attrs[k]; else e.setAttribute(k, attrs[k]); }
    (kids || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function scenario(s) {
    if (!s) return '';
    var parts = s.split(' / ');
    return lang === 'en' && parts[1] ? parts[1] : parts[0];
  }
  // On a phone the advertiser list folds away once one is chosen, so the
  // chat is on the first screen; "change" opens it again.
  function showPicked(name) {
    document.body.setAttribute('data-picked', '1');
    $('side').classList.remove('open');
    $('picked-name').textContent = T.as(name);
    $('picked').hidden = false;
    $('change').setAttribute('aria-expanded', 'false');
    $('change').textContent = T.change;
  }
  function mountFor(member, name) {
    if (widget) widget.destroy();
    sessionStorage.setItem('botd.demo.member', String(member));
    if (name) showPicked(name);
    document.querySelectorAll('.cast button').forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.member === String(member))); });
    widget = BotdChat.mount($('chat'), {
      lang: lang,
      getToken: function () {
        return fetch('/demo/token?member=' + encodeURIComponent(member)).then(function (r) {
          if (!r.ok) throw new Error('token ' + r.status);
          return r.json();
        }).then(function (j) { return j.token; });
      }
    });
    window.botdWidget = widget;
  }
  function tokenForm() {
    var ta = el('textarea', { id: 'tok', 'aria-describedby': 'toklead', spellcheck: 'false' });
    var btn = el('button', { type: 'submit', text: T.start });
    var f = el('form', { class: 'tokenbox' }, [
      el('h2', { text: T.tokenTitle, class: 'tokentitle' }),
      el('p', { id: 'toklead', text: T.tokenLead, class: 'hint tight' }),
      el('label', { for: 'tok', class: 'botd-sr', text: 'token' }), ta, btn
    ]);
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var tok = ta.value.trim(); if (!tok) return;
      if (widget) widget.destroy();
      widget = BotdChat.mount($('chat'), { lang: lang, token: tok });
      window.botdWidget = widget;
    });
    $('picker').appendChild(f);
    var pre = params.get('token');
    if (pre) { ta.value = pre; btn.click(); }
  }
  fetch('/demo/cast').then(function (r) { if (!r.ok) throw new Error('no demo'); return r.json(); }).then(function (cast) {
    var ul = el('ul', { class: 'cast', 'aria-label': lang === 'en' ? 'Demo advertisers' : '데모 광고주' });
    cast.members.forEach(function (m) {
      var accts = (m.accounts || []).map(function (a) { return a.name; }).join(', ');
      var b = el('button', { type: 'button', 'data-member': String(m.id), 'aria-pressed': 'false' }, [
        el('span', { class: 'av', 'aria-hidden': 'true', text: (m.name || '?').slice(0, 1) }),
        el('span', { class: 'nm' }, [m.name, el('small', { text: accts })]),
        el('span', { class: 'sc', text: scenario(m.scenario) })
      ]);
      b.addEventListener('click', function () { mountFor(m.id, m.name); });
      ul.appendChild(el('li', {}, [b]));
    });
    $('picker').appendChild(ul);
    var r = el('button', { type: 'button', class: 'reset', text: T.reset });
    r.addEventListener('click', function () { if (widget) widget.reset(); });
    $('picker').appendChild(r);
    $('hint').textContent = T.hint;
    var want = params.get('member') || sessionStorage.getItem('botd.demo.member');
    var found = cast.members.filter(function (m) { return String(m.id) === String(want); })[0];
    if (found) mountFor(found.id, found.name);
  }).catch(function () { tokenForm(); });
})();

/* Check-in without a connection: rosters from the page, scans kept in localStorage, sent when online. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("check-in-data").textContent);
  var texts = data.texts;
  var QUEUE_KEY = "dvc-check-in-queue:" + data.user;
  var DONE_KEY = "dvc-check-in-done:" + data.user;
  var people = {};
  data.sessions.forEach(function (session) {
    session.people.forEach(function (person) { people[person.token] = person; });
  });

  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }
  function now() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + " " + two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  var queue = load(QUEUE_KEY, []);
  var done = load(DONE_KEY, {}); // token -> {time, sent}
  var syncing = false;

  function state(token) {
    var person = people[token];
    if (done[token]) { return done[token]; }
    if (person && person.attended) { return { time: person.checked_in_at, sent: true }; }
    return null;
  }

  function render() {
    data.sessions.forEach(function (session) {
      var list = document.querySelector('[data-people="' + session.id + '"]');
      list.textContent = "";
      session.people.forEach(function (person) {
        var item = document.createElement("li");
        item.dataset.token = person.token;
        var who = document.createElement("span");
        who.className = "who";
        who.textContent = person.name;
        var seat = document.createElement("span");
        seat.className = "seat";
        seat.textContent = format(texts.seat, { seat: person.seat });
        who.appendChild(seat);
        item.appendChild(who);
        var current = state(person.token);
        if (current) {
          var mark = document.createElement("span");
          mark.className = "done" + (current.sent ? "" : " waiting");
          mark.textContent = texts.present + " · " + format(texts.checked_at, { time: current.time });
          item.appendChild(mark);
        } else {
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = texts.check_in;
          button.addEventListener("click", function () { checkIn(person.token); });
          item.appendChild(button);
        }
        list.appendChild(item);
      });
    });
    var network = document.getElementById("network");
    network.textContent = navigator.onLine ? texts.online : texts.offline;
    network.className = "network" + (navigator.onLine ? "" : " is-offline");
    document.getElementById("queue").textContent = queue.length ? format(texts.pending, { count: queue.length }) : texts.synced;
    document.body.dataset.pending = String(queue.length);
  }

  function say(text, error) {
    var message = document.getElementById("message");
    message.textContent = text;
    message.className = "message" + (error ? " is-error" : "");
  }

  function tokenFrom(code) {
    var text = (code || "").trim();
    var match = text.match(/check-in\/([A-Za-z0-9_-]{8,64})\/?/);
    return match ? match[1] : text;
  }

  function checkIn(token) {
    var person = people[token];
    if (!person) { say(texts.not_found, true); return; }
    if (state(token)) { say(format(texts.already, { name: person.name })); return; }
    done[token] = { time: now(), sent: false };
    queue.push({ token: token, at: new Date().toISOString() });
    save(DONE_KEY, done);
    save(QUEUE_KEY, queue);
    say(format(texts.done, { name: person.name }));
    render();
    sync();
  }

  function sync() {
    if (syncing || !queue.length || !navigator.onLine) { render(); return; }
    syncing = true;
    var sending = queue.slice();
    fetch(data.sync_url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf_token },
      body: JSON.stringify({ scans: sending })
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 403) { say(texts.login, true); return null; }
      if (!response.ok) { return null; }
      return response.json();
    }).then(function (answer) {
      if (!answer) { return; }
      var answered = {};
      answer.results.forEach(function (result) {
        answered[result.token] = true;
        var person = people[result.token];
        var name = person ? person.name : result.token;
        if (result.status === "checked_in" || result.status === "already") {
          done[result.token] = { time: result.time, sent: true };
          if (person) { person.attended = true; person.checked_in_at = result.time; }
        } else {
          delete done[result.token];
          say(format(texts.refused, { name: name, reason: result.message }), true);
        }
      });
      queue = load(QUEUE_KEY, []).filter(function (scan) { return !answered[scan.token]; });
      save(QUEUE_KEY, queue);
      save(DONE_KEY, done);
    }).catch(function () { /* still offline: the queue waits */ }).then(function () {
      syncing = false;
      render();
    });
  }

  document.getElementById("scan").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("code");
    checkIn(tokenFrom(input.value));
    input.value = "";
    input.focus();
  });

  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    var camera = document.getElementById("camera");
    camera.hidden = false;
    camera.addEventListener("click", function () {
      var video = document.getElementById("preview");
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var look = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              video.hidden = true;
              checkIn(tokenFrom(codes[0].rawValue));
            } else { requestAnimationFrame(look); }
          }).catch(function () { requestAnimationFrame(look); });
        };
        look();
      }).catch(function () { camera.hidden = true; });
    });
  }

  window.addEventListener("online", sync);
  window.addEventListener("offline", render);
  setInterval(sync, 15000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(document.body.dataset.worker, { scope: document.body.dataset.scope }).catch(function () {});
  }
  render();
  sync();
})();

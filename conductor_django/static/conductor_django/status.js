/*
 * The QuickBooks Desktop settings page while a health check runs: poll the status endpoint
 * (cache reads only on the server) with backoff until the check is over, then either go to the
 * page (which starts Conductor's hosted flow for a connection not set up) or show the page's
 * answer in place, inside its live region, so that a screen reader announces it and focus stays
 * where the user left it. Without this script the page reloads itself (a <noscript> refresh) and
 * offers a "Refresh" link, so it is never a dead end.
 */
(function () {
  "use strict";

  var section = document.querySelector("[data-conductor-status-url]");
  if (!section || !window.fetch || !window.DOMParser) {
    return;
  }
  var statusUrl = section.getAttribute("data-conductor-status-url");
  var pageUrl = section.getAttribute("data-conductor-page-url");
  // ms before the first poll; x1.5 after each, up to MAX_DELAY: the answer shows at most
  // MAX_DELAY after it arrives, for one cache read per poll on the server.
  var delay = 250;
  var MAX_DELAY = 500;
  var failures = 0;

  function schedule() {
    window.setTimeout(poll, delay);
    delay = Math.min(MAX_DELAY, Math.round(delay * 1.5));
  }

  function poll() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        failures = 0;
        if (!body.final) {
          schedule();
        } else if (body.connect) {
          // A server URL: it issues the auth session and redirects to the hosted flow.
          window.location.assign(pageUrl);
        } else {
          show();
        }
      })
      .catch(function () {
        // A network blip: keep trying a while; the "Refresh" link stays for the user.
        failures += 1;
        if (failures < 5) {
          schedule();
        }
      });
  }

  function show() {
    fetch(pageUrl, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser()
          .parseFromString(html, "text/html")
          .querySelector("[data-conductor-outcome]");
        var live = section.querySelector(".conductor-live");
        var freshLive = fresh && fresh.querySelector(".conductor-live");
        if (!live || !freshLive) {
          window.location.assign(pageUrl);
          return;
        }
        var focused = live.contains(document.activeElement) ? document.activeElement : null;
        section.setAttribute("data-conductor-outcome", fresh.getAttribute("data-conductor-outcome"));
        section.removeAttribute("data-conductor-status-url");
        // The live region stays and its content changes: that is what gets announced.
        live.replaceChildren.apply(live, Array.prototype.slice.call(freshLive.childNodes));
        if (focused) {
          // The link the user was on is gone: keep their place on the new page's first action
          // rather than dropping focus back to the top of the document.
          var next = live.querySelector("a, button");
          if (next) {
            next.focus();
          }
        }
      })
      .catch(function () {
        window.location.assign(pageUrl);
      });
  }

  schedule();
})();

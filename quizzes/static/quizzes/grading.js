// Keyboard marking: Ctrl/⌘+Enter saves and opens the next answer; j/k move between answers
// (queue rows or the marking page's previous/next links) when no field has the focus.
// Everything also works without this file: plain links and a submit button.
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  var form = document.querySelector("[data-grading-form]");
  var queueLinks = Array.prototype.slice.call(document.querySelectorAll("[data-queue-link]"));

  document.addEventListener("keydown", function (event) {
    if (form && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
      return;
    }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (event.key !== "j" && event.key !== "k") {
      return;
    }
    if (form) {
      var link = document.querySelector('a[data-key="' + event.key + '"]');
      if (link) {
        window.location.href = link.href;
      }
      return;
    }
    if (!queueLinks.length) {
      return;
    }
    var index = queueLinks.indexOf(document.activeElement);
    index = event.key === "j" ? index + 1 : index - 1;
    index = Math.max(0, Math.min(queueLinks.length - 1, index));
    queueLinks[index].focus();
    event.preventDefault();
  });
})();

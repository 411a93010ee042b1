// Uploads with XMLHttpRequest to show a progress bar; without JavaScript the form posts as
// usual (issue 5 "Must do" 1). The server answers JSON {"redirect": url} to this script.
(function () {
  "use strict";
  function megabytes(bytes) { return Math.round(bytes / 104857.6) / 10 + " MB"; }

  function setUp(form) {
    var box = form.querySelector(".upload-progress");
    var bar = form.querySelector("progress");
    var text = form.querySelector(".upload-progress-text");
    var errorBox = form.querySelector(".upload-error");
    var button = form.querySelector("button[type=submit]");
    var maxSize = parseInt(form.getAttribute("data-max-size"), 10);
    var maxFiles = parseInt(form.getAttribute("data-max-files"), 10);

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = false;
    }

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      errorBox.hidden = true;
      var input = form.querySelector("input[type=file]");
      var files = input.files;
      if (files.length > maxFiles) {
        showError("Choose at most " + maxFiles + " files at once.");
        return;
      }
      for (var i = 0; i < files.length; i++) {
        if (files[i].size > maxSize) {
          showError(files[i].name + " is too large: the limit is " + megabytes(maxSize) + " a file.");
          return;
        }
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var percent = Math.floor((e.loaded / e.total) * 100);
          bar.value = percent;
          bar.textContent = percent + "%";
          text.textContent = percent + "% sent";
        }
      });
      xhr.addEventListener("load", function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (ignored) { data = null; }
        if (data && data.redirect) {
          text.textContent = "Upload complete";
          window.location.assign(data.redirect);
        } else {
          button.disabled = false;
          showError("The upload was not accepted (status " + xhr.status + "). Nothing was stored; please try again.");
        }
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        showError("The connection failed during the upload. Nothing was stored; please try again.");
      });
      box.hidden = false;
      bar.value = 0;
      text.textContent = "0% sent";
      button.disabled = true;
      xhr.send(new FormData(form));
    });
  }

  var forms = document.querySelectorAll("form.upload-form");
  for (var i = 0; i < forms.length; i++) { setUp(forms[i]); }
})();

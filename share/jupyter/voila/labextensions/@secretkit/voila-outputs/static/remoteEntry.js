/*
 * secretkit's Voila pages: draw each saved output through a real output model.
 *
 * Voila 0.5 draws the outputs of a lecture's cells (its charts, tables and text) by
 * handing each mime renderer the output's plain JSON object. JupyterLab's renderers are
 * given a model with a setData() method, and plotly's uses it: after drawing a chart it
 * stores a PNG copy of it through model.setData(). On the plain object that throws
 * "r.setData is not a function" for every chart.
 *
 * This extension runs while the page's application starts, before Voila's own output
 * plugin looks at the page: it draws every saved output other than a widget (widgets are
 * drawn by the widget manager, which needs no setData) the way Voila does, but with a
 * MimeModel from @jupyterlab/rendermime (the model JupyterLab's renderers expect), and
 * removes the output's JSON from the page, so Voila finds nothing left to draw and does
 * everything else (typesetting, attaching the cells to the page) as before.
 *
 * It is a federated extension written by hand, with no build step: a container with
 * init() and get(), as JupyterLab's and Voila's loaders expect, that takes the packages
 * it needs from the page's shared scope (the page's own copies, the ones its other
 * plugins use).
 */
(function () {
  "use strict";
  var NAME = "@secretkit/voila-outputs";
  var OUTPUT = 'script[type="application/vnd.voila.cell-output+json"]';
  var WIDGET = "application/vnd.jupyter.widget-view+json";
  var shared = null;

  // The page's copy of a shared package: the one its core provides, else any loaded one.
  async function fromPage(name) {
    var versions = (shared && shared[name]) || {};
    var keys = Object.keys(versions);
    var pick = keys.filter(function (v) { return versions[v].from === "_JUPYTERLAB.CORE_OUTPUT"; })[0]
      || keys.filter(function (v) { return versions[v].loaded; })[0] || keys[0];
    if (pick === undefined) throw new Error(NAME + ": the page shares no " + name);
    var factory = await versions[pick].get();
    return factory();
  }

  function drawOutputs(rendermime, lumino, registry) {
    document.body.querySelectorAll(OUTPUT).forEach(function (script) {
      var output = JSON.parse(script.innerHTML);
      var parent = script.parentElement;
      // Widgets are left for Voila: their renderer is registered only once the page's
      // widget manager has connected to the kernel, after this runs (and it needs no setData).
      if (!parent || !output.data || WIDGET in output.data) return;
      var mimeType = registry.preferredMimeType(output.data, "any");
      if (!mimeType) return;  // left for Voila, as before
      var model = new rendermime.MimeModel({
        data: output.data, metadata: output.metadata || {}, trusted: !!output.trusted,
      });
      var renderer = registry.createRenderer(mimeType);
      renderer.renderModel(model).catch(function (error) {
        var pre = document.createElement("pre");
        pre.textContent = "Javascript Error: " + error.message;
        pre.className = "lm-Widget jp-RenderedText";
        pre.setAttribute("data-mime-type", "application/vnd.jupyter.stderr");
        renderer.node.appendChild(pre);
      });
      renderer.addClass("jp-OutputArea-output");
      parent.removeChild(script);
      lumino.Widget.attach(renderer, parent);
    });
  }

  async function plugins() {
    var rendermime = await fromPage("@jupyterlab/rendermime");
    var lumino = await fromPage("@lumino/widgets");
    return [{
      id: NAME + ":render-outputs",
      description: "Draws saved outputs with a MimeModel before Voila's own output plugin runs.",
      autoStart: true,
      requires: [rendermime.IRenderMimeRegistry],
      activate: function (app, registry) { drawOutputs(rendermime, lumino, registry); },
    }];
  }

  var root = typeof window !== "undefined" ? window : self;
  root._JUPYTERLAB = root._JUPYTERLAB || {};
  root._JUPYTERLAB[NAME] = {
    init: function (scope) { shared = scope; },
    get: async function (module) {
      if (module !== "./extension") throw new Error(NAME + " has no module " + module);
      var list = await plugins();
      return function () { return { __esModule: true, default: list }; };
    },
  };
})();

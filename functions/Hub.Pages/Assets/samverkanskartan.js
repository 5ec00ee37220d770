/* Samverkanskartan: draws the network in #kartan with cytoscape (served by the hub from its npm package), from the JSON
   data block #kartan-data the page carries. Municipalities start on a ring county by county and collaborations near
   their members (positions computed by the hub); a smaller network (one county or area) is then settled by cytoscape's
   force layout (cose). Keyboard: the map is one tab stop; arrow keys choose the next or previous node, Home and End the
   first and last, Enter opens its page, and the choice is read out through the live region #kartan-val. A click or tap
   on a node opens its page. When the first picture is drawn, #kartan gets data-drawn="true" and data-drawn-ms (from
   the start of navigation) and data-script-ms (this script alone). */
(function () {
  'use strict';

  var started = performance.now();
  var container = document.getElementById('kartan');
  var dataBlock = document.getElementById('kartan-data');
  var announce = document.getElementById('kartan-val');
  if (!container || !dataBlock || typeof window.cytoscape !== 'function') {
    return;
  }

  var data = JSON.parse(dataBlock.textContent);
  var forceLimit = 600;
  var elements = new Array(data.nodes.length + data.edges.length / 2);
  var i;
  for (i = 0; i < data.nodes.length; i++) {
    var n = data.nodes[i];
    elements[i] = {
      group: 'nodes',
      data: { id: n.id, kind: n.kind, label: n.label, colour: n.colour, size: n.size, href: n.href, text: n.text },
      position: { x: n.x, y: n.y },
      classes: n.kind === 'o' ? 'organisation' : 'collaboration'
    };
  }
  for (i = 0; i < data.edges.length; i += 2) {
    elements[data.nodes.length + i / 2] = {
      group: 'edges',
      data: { id: 'e' + i / 2, source: data.nodes[data.edges[i]].id, target: data.nodes[data.edges[i + 1]].id }
    };
  }

  var large = data.nodes.length > forceLimit;
  var cy = window.cytoscape({
    container: container,
    elements: elements,
    layout: { name: 'preset', fit: true, padding: 24 },
    minZoom: 0.05,
    maxZoom: 4,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
    autoungrabify: true,
    textureOnViewport: large,
    hideEdgesOnViewport: large,
    style: [
      {
        selector: 'node',
        style: {
          'width': 'data(size)',
          'height': 'data(size)',
          'background-color': 'data(colour)',
          'border-width': 0,
          'label': '',
          'font-size': 11,
          'color': '#1b1b1b',
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.85,
          'text-background-padding': 2,
          'min-zoomed-font-size': 9
        }
      },
      { selector: 'node.organisation', style: { 'label': 'data(label)', 'z-index': 2, 'text-valign': 'top', 'text-margin-y': -3 } },
      { selector: 'node.collaboration', style: { 'shape': 'round-rectangle', 'z-index': 1 } },
      {
        selector: 'edge',
        style: { 'curve-style': 'haystack', 'width': 0.6, 'line-color': '#9a9a9a', 'opacity': large ? 0.35 : 0.6 }
      },
      {
        selector: 'node:selected',
        style: { 'border-width': 4, 'border-color': '#ffbf47', 'label': 'data(label)', 'z-index': 9, 'min-zoomed-font-size': 0, 'font-weight': 'bold' }
      },
      { selector: 'edge.near', style: { 'line-color': '#1b1b1b', 'opacity': 1, 'width': 1.5 } }
    ]
  });
  window.samverkanskartan = cy;

  function drawn() {
    requestAnimationFrame(function () {
      var now = performance.now();
      container.setAttribute('data-drawn-ms', String(Math.round(now)));
      container.setAttribute('data-script-ms', String(Math.round(now - started)));
      container.setAttribute('data-nodes', String(cy.nodes().length));
      container.setAttribute('data-edges', String(cy.edges().length));
      container.setAttribute('data-drawn', 'true');
    });
  }

  if (!large && data.nodes.length > 1) {
    var force = cy.layout({ name: 'cose', animate: false, randomize: false, fit: true, padding: 24, numIter: 400, nodeRepulsion: function () { return 6000; }, idealEdgeLength: function () { return 40; } });
    force.one('layoutstop', drawn);
    force.run();
  } else {
    cy.one('render', drawn);
    cy.resize();
  }

  function open(node) {
    var href = node.data('href');
    if (href) {
      window.location.assign(href);
    }
  }

  cy.on('tap', 'node', function (event) { open(event.target); });

  var order = cy.nodes();
  var current = -1;

  function choose(index) {
    if (order.length === 0) {
      return;
    }
    current = (index + order.length) % order.length;
    var node = order[current];
    cy.elements().unselect();
    cy.edges('.near').removeClass('near');
    node.select();
    node.connectedEdges().addClass('near');
    var box = cy.extent();
    var at = node.position();
    if (at.x < box.x1 || at.x > box.x2 || at.y < box.y1 || at.y > box.y2) {
      cy.center(node);
    }
    if (announce) {
      announce.textContent = node.data('text');
    }
  }

  container.addEventListener('keydown', function (event) {
    switch (event.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        choose(current + 1);
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
        choose(current < 0 ? order.length - 1 : current - 1);
        break;
      case 'Home':
        choose(0);
        break;
      case 'End':
        choose(order.length - 1);
        break;
      case 'Enter':
        if (current >= 0) {
          open(order[current]);
        }
        break;
      case 'Escape':
        cy.elements().unselect();
        cy.edges('.near').removeClass('near');
        current = -1;
        if (announce) {
          announce.textContent = '';
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  });
}());

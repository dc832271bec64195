/*
 * qr.js — a small, self-contained QR Code encoder (ISO/IEC 18004) for the Likeness pages.
 *
 * Byte mode with UTF-8 text, error-correction level M, the smallest version 1..40 that holds
 * the text, and the mask (of the eight) with the lowest penalty under the standard's four rules.
 * No dependencies, no eval, no inline styles: it runs under the pages' Content-Security-Policy.
 *
 *   LikenessQR.encode(text) -> {size, modules}   modules[row][col] === true for a dark module;
 *                                                throws Error when the text does not fit.
 *   LikenessQR.svg(text, {scale: 4, border: 4, label: "QR code"}) -> SVGSVGElement
 *                                                black modules on a white background.
 *
 * Checked by scripts/qr-check (renders in headless Chromium and decodes with OpenCV).
 */
(function () {
  'use strict';

  var SVG_NS = 'http://www.w3.org/2000/svg';

  // Level M, per version 1..40 (ISO/IEC 18004 table 9): error-correction codewords per block
  // and the number of blocks.
  var EC_PER_BLOCK = [
    10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28
  ];
  var BLOCKS = [
    1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
    17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49
  ];
  var EC_LEVEL_BITS_M = 0; // format-information bits for level M are 00

  // ---- GF(256) with the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D) -------------
  var EXP = new Array(512);
  var LOG = new Array(256);
  (function () {
    var x = 1;
    for (var i = 0; i < 255; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if (x & 0x100) x ^= 0x11D;
    }
    for (var j = 255; j < 512; j++) EXP[j] = EXP[j - 255];
  })();

  function gfMul(a, b) {
    return (a === 0 || b === 0) ? 0 : EXP[LOG[a] + LOG[b]];
  }

  // Generator polynomial (x - a^0)(x - a^1)...(x - a^(n-1)), coefficients highest power first,
  // without the leading 1.
  var generatorCache = {};
  function generator(n) {
    if (generatorCache[n]) return generatorCache[n];
    var poly = [1];
    for (var i = 0; i < n; i++) {
      var next = new Array(poly.length + 1);
      for (var k = 0; k < next.length; k++) next[k] = 0;
      for (var j = 0; j < poly.length; j++) {
        next[j] ^= poly[j];                    // * x
        next[j + 1] ^= gfMul(poly[j], EXP[i]); // * a^i
      }
      poly = next;
    }
    generatorCache[n] = poly.slice(1);
    return generatorCache[n];
  }

  // The n error-correction codewords of data: the remainder of data(x) * x^n / g(x).
  function reedSolomon(data, n) {
    var gen = generator(n);
    var rem = new Array(n);
    for (var i = 0; i < n; i++) rem[i] = 0;
    for (var d = 0; d < data.length; d++) {
      var factor = data[d] ^ rem[0];
      rem.shift();
      rem.push(0);
      if (factor !== 0) {
        for (var k = 0; k < n; k++) rem[k] ^= gfMul(gen[k], factor);
      }
    }
    return rem;
  }

  // ---- Version geometry ------------------------------------------------------------------

  function symbolSize(version) {
    return 17 + 4 * version;
  }

  // Centre coordinates of the alignment patterns (rows and columns alike).
  function alignmentPositions(version) {
    if (version === 1) return [];
    var count = Math.floor(version / 7) + 2;
    var size = symbolSize(version);
    var step = Math.floor((version * 8 + count * 3 + 5) / (count * 4 - 4)) * 2;
    var positions = [6];
    for (var pos = size - 7; positions.length < count; pos -= step) positions.splice(1, 0, pos);
    return positions;
  }

  // Modules left for data and error correction once the function patterns are placed.
  function rawDataModules(version) {
    var size = symbolSize(version);
    var result = size * size;
    result -= 3 * 64;                    // finder patterns with their separators
    result -= 2 * (size - 16);           // timing patterns
    result -= 31;                        // format information (2 x 15) and the dark module
    var n = Math.floor(version / 7) + 2;
    if (version >= 2) {
      result -= 25 * (n * n - 3);        // alignment patterns not under a finder
      result += 10 * (n - 2);            // ... less their overlap with the timing patterns
    }
    if (version >= 7) result -= 36;      // version information (2 x 18)
    return result;
  }

  function totalCodewords(version) {
    return Math.floor(rawDataModules(version) / 8);
  }

  function dataCodewords(version) {
    return totalCodewords(version) - EC_PER_BLOCK[version - 1] * BLOCKS[version - 1];
  }

  function countBits(version) {
    return version <= 9 ? 8 : 16; // byte mode character count indicator
  }

  // ---- Text to codewords -----------------------------------------------------------------

  function utf8(text) {
    if (typeof TextEncoder === 'function') return Array.prototype.slice.call(new TextEncoder().encode(text));
    var out = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.length) {
        var lo = text.charCodeAt(i + 1);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
          c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
          i++;
        }
      }
      if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD; // a lone surrogate
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xC0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xE0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xF0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  }

  function chooseVersion(byteCount) {
    for (var v = 1; v <= 40; v++) {
      if (4 + countBits(v) + 8 * byteCount <= dataCodewords(v) * 8) return v;
    }
    throw new Error('LikenessQR: text too long (' + byteCount + ' bytes in UTF-8; at most ' +
      Math.floor((dataCodewords(40) * 8 - 20) / 8) + ' fit a QR code at level M)');
  }

  // Mode indicator, count, data, terminator, padding: the data codewords.
  function dataBits(bytes, version) {
    var bits = [];
    function put(value, length) {
      for (var i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
    }
    put(4, 4); // 0100: byte mode
    put(bytes.length, countBits(version));
    for (var i = 0; i < bytes.length; i++) put(bytes[i], 8);
    var capacity = dataCodewords(version) * 8;
    put(0, Math.min(4, capacity - bits.length));
    put(0, (8 - bits.length % 8) % 8);
    for (var pad = 0xEC; bits.length < capacity; pad ^= 0xEC ^ 0x11) put(pad, 8);
    var codewords = [];
    for (var j = 0; j < bits.length; j += 8) {
      var b = 0;
      for (var k = 0; k < 8; k++) b = (b << 1) | bits[j + k];
      codewords.push(b);
    }
    return codewords;
  }

  // Splits the data into blocks, appends each block's error correction, and interleaves.
  function finalCodewords(data, version) {
    var blockCount = BLOCKS[version - 1];
    var ecLength = EC_PER_BLOCK[version - 1];
    var total = totalCodewords(version);
    var shortBlocks = blockCount - total % blockCount;
    var shortLength = Math.floor(total / blockCount) - ecLength; // data codewords in a short block
    var blocks = [];
    var ecBlocks = [];
    for (var b = 0, offset = 0; b < blockCount; b++) {
      var length = shortLength + (b < shortBlocks ? 0 : 1);
      var block = data.slice(offset, offset + length);
      offset += length;
      blocks.push(block);
      ecBlocks.push(reedSolomon(block, ecLength));
    }
    var out = [];
    for (var i = 0; i <= shortLength; i++) {
      for (var j = 0; j < blockCount; j++) {
        if (i < blocks[j].length) out.push(blocks[j][i]);
      }
    }
    for (var e = 0; e < ecLength; e++) {
      for (var m = 0; m < blockCount; m++) out.push(ecBlocks[m][e]);
    }
    return out;
  }

  // ---- The symbol --------------------------------------------------------------------------

  function newGrid(size, value) {
    var grid = new Array(size);
    for (var r = 0; r < size; r++) {
      grid[r] = new Array(size);
      for (var c = 0; c < size; c++) grid[r][c] = value;
    }
    return grid;
  }

  function QrSymbol(version) {
    this.version = version;
    this.size = symbolSize(version);
    this.dark = newGrid(this.size, false);
    this.reserved = newGrid(this.size, false); // function modules: never data, never masked
    this.drawFunctionPatterns();
  }

  QrSymbol.prototype.set = function (row, col, dark) {
    this.dark[row][col] = dark;
    this.reserved[row][col] = true;
  };

  QrSymbol.prototype.drawFunctionPatterns = function () {
    var size = this.size;
    var i, j;
    // Timing patterns (row 6 and column 6); the finders overwrite their ends.
    for (i = 0; i < size; i++) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    // Finder patterns with their light separators.
    var corners = [[3, 3], [3, size - 4], [size - 4, 3]];
    for (var f = 0; f < 3; f++) {
      for (i = -4; i <= 4; i++) {
        for (j = -4; j <= 4; j++) {
          var r = corners[f][0] + i;
          var c = corners[f][1] + j;
          if (r < 0 || r >= size || c < 0 || c >= size) continue;
          var ring = Math.max(Math.abs(i), Math.abs(j));
          this.set(r, c, ring !== 2 && ring !== 4);
        }
      }
    }
    // Alignment patterns, except the three under the finders.
    var pos = alignmentPositions(this.version);
    var last = pos.length - 1;
    for (var a = 0; a < pos.length; a++) {
      for (var b = 0; b < pos.length; b++) {
        if ((a === 0 && b === 0) || (a === 0 && b === last) || (a === last && b === 0)) continue;
        for (i = -2; i <= 2; i++) {
          for (j = -2; j <= 2; j++) {
            this.set(pos[a] + i, pos[b] + j, Math.max(Math.abs(i), Math.abs(j)) !== 1);
          }
        }
      }
    }
    // Reserve the format areas (written for real once the mask is known) and the version areas.
    this.drawFormat(0);
    this.drawVersion();
  };

  // 15 format bits: level and mask, BCH(15,5) with generator 0x537, XOR 0x5412.
  function formatBits(mask) {
    var data = (EC_LEVEL_BITS_M << 3) | mask;
    var rem = data;
    for (var i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    return ((data << 10) | (rem & 0x3FF)) ^ 0x5412;
  }

  QrSymbol.prototype.drawFormat = function (mask) {
    var bits = formatBits(mask);
    var size = this.size;
    function bit(i) { return ((bits >>> i) & 1) === 1; }
    var i;
    // Around the top-left finder: bits 0..7 down column 8 (skipping the timing row),
    // bits 8..14 leftwards along row 8 (skipping the timing column).
    for (i = 0; i <= 5; i++) this.set(i, 8, bit(i));
    this.set(7, 8, bit(6));
    this.set(8, 8, bit(7));
    this.set(8, 7, bit(8));
    for (i = 9; i < 15; i++) this.set(8, 14 - i, bit(i));
    // The copy: bits 0..7 along row 8 from the right edge, bits 8..14 up column 8 at the bottom.
    for (i = 0; i < 8; i++) this.set(8, size - 1 - i, bit(i));
    for (i = 8; i < 15; i++) this.set(size - 15 + i, 8, bit(i));
    this.set(size - 8, 8, true); // the dark module
  };

  // 18 version bits (versions 7 and up): BCH(18,6) with generator 0x1F25.
  QrSymbol.prototype.drawVersion = function () {
    if (this.version < 7) return;
    var rem = this.version;
    for (var i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1F25);
    var bits = (this.version << 12) | (rem & 0xFFF);
    for (var k = 0; k < 18; k++) {
      var dark = ((bits >>> k) & 1) === 1;
      var a = this.size - 11 + k % 3;
      var b = Math.floor(k / 3);
      this.set(b, a, dark); // top right, 6 rows x 3 columns
      this.set(a, b, dark); // bottom left, 3 rows x 6 columns
    }
  };

  // Data bits in the two-column zigzag from the bottom-right corner, skipping column 6.
  QrSymbol.prototype.drawCodewords = function (codewords) {
    var size = this.size;
    var index = 0;
    var total = codewords.length * 8;
    for (var right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      var upward = ((size - 1 - right) >> 1) % 2 === 0;
      for (var step = 0; step < size; step++) {
        var row = upward ? size - 1 - step : step;
        for (var k = 0; k < 2; k++) {
          var col = right - k;
          if (this.reserved[row][col]) continue;
          if (index < total) {
            this.dark[row][col] = ((codewords[index >>> 3] >>> (7 - (index & 7))) & 1) === 1;
            index++;
          } // remainder bits stay light
        }
      }
    }
  };

  var MASKS = [
    function (r, c) { return (r + c) % 2 === 0; },
    function (r) { return r % 2 === 0; },
    function (r, c) { return c % 3 === 0; },
    function (r, c) { return (r + c) % 3 === 0; },
    function (r, c) { return (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0; },
    function (r, c) { return (r * c) % 2 + (r * c) % 3 === 0; },
    function (r, c) { return ((r * c) % 2 + (r * c) % 3) % 2 === 0; },
    function (r, c) { return ((r + c) % 2 + (r * c) % 3) % 2 === 0; }
  ];

  // XORs the mask into the data modules (applying it twice undoes it).
  QrSymbol.prototype.applyMask = function (mask) {
    var fn = MASKS[mask];
    for (var r = 0; r < this.size; r++) {
      for (var c = 0; c < this.size; c++) {
        if (!this.reserved[r][c] && fn(r, c)) this.dark[r][c] = !this.dark[r][c];
      }
    }
  };

  // The four penalty rules of ISO/IEC 18004 (7.8.3).
  function penalty(grid) {
    var size = grid.length;
    var score = 0;
    var r, c, run, i;
    // Rule 1: five or more same-coloured modules in a row or column: 3 + (length - 5).
    for (var pass = 0; pass < 2; pass++) {
      for (i = 0; i < size; i++) {
        run = 1;
        for (var k = 1; k <= size; k++) {
          var same = k < size &&
            (pass === 0 ? grid[i][k] === grid[i][k - 1] : grid[k][i] === grid[k - 1][i]);
          if (same) {
            run++;
          } else {
            if (run >= 5) score += 3 + (run - 5);
            run = 1;
          }
        }
      }
    }
    // Rule 2: each 2x2 block of one colour: 3.
    for (r = 0; r < size - 1; r++) {
      for (c = 0; c < size - 1; c++) {
        var v = grid[r][c];
        if (v === grid[r][c + 1] && v === grid[r + 1][c] && v === grid[r + 1][c + 1]) score += 3;
      }
    }
    // Rule 3: 1:1:3:1:1 (dark:light:dark:dark:dark:light:dark) with four light modules before
    // or after it, in a row or column: 40 each.
    var A = [true, false, true, true, true, false, true, false, false, false, false];
    var B = [false, false, false, false, true, false, true, true, true, false, true];
    for (i = 0; i < size; i++) {
      for (var s = 0; s + 11 <= size; s++) {
        var rowA = true, rowB = true, colA = true, colB = true;
        for (var t = 0; t < 11; t++) {
          var h = grid[i][s + t];
          var w = grid[s + t][i];
          if (h !== A[t]) rowA = false;
          if (h !== B[t]) rowB = false;
          if (w !== A[t]) colA = false;
          if (w !== B[t]) colB = false;
        }
        score += 40 * ((rowA ? 1 : 0) + (rowB ? 1 : 0) + (colA ? 1 : 0) + (colB ? 1 : 0));
      }
    }
    // Rule 4: 10 for every full 5% the dark proportion deviates from 50%.
    var darkCount = 0;
    for (r = 0; r < size; r++) {
      for (c = 0; c < size; c++) if (grid[r][c]) darkCount++;
    }
    var total = size * size;
    score += 10 * Math.floor(Math.abs(darkCount * 20 - total * 10) / total);
    return score;
  }

  function encode(text) {
    if (typeof text !== 'string') throw new TypeError('LikenessQR.encode: text must be a string');
    var bytes = utf8(text);
    var version = chooseVersion(bytes.length);
    var symbol = new QrSymbol(version);
    symbol.drawCodewords(finalCodewords(dataBits(bytes, version), version));
    var best = -1;
    var bestScore = Infinity;
    for (var mask = 0; mask < 8; mask++) {
      symbol.applyMask(mask);
      symbol.drawFormat(mask);
      var score = penalty(symbol.dark);
      if (score < bestScore) {
        best = mask;
        bestScore = score;
      }
      symbol.applyMask(mask); // undo
    }
    symbol.applyMask(best);
    symbol.drawFormat(best);
    return { size: symbol.size, modules: symbol.dark };
  }

  function nonNegativeInteger(value, fallback, name, min) {
    if (value === undefined || value === null) return fallback;
    var n = Number(value);
    if (!isFinite(n) || Math.floor(n) !== n || n < min) {
      throw new RangeError('LikenessQR.svg: ' + name + ' must be an integer >= ' + min);
    }
    return n;
  }

  function svg(text, options) {
    options = options || {};
    var scale = nonNegativeInteger(options.scale, 4, 'scale', 1);
    var border = nonNegativeInteger(options.border, 4, 'border', 0);
    var label = options.label === undefined || options.label === null ? 'QR code' : String(options.label);
    var qr = encode(text);
    var extent = qr.size + 2 * border;
    var root = document.createElementNS(SVG_NS, 'svg');
    root.setAttribute('viewBox', '0 0 ' + extent + ' ' + extent);
    root.setAttribute('width', String(extent * scale));
    root.setAttribute('height', String(extent * scale));
    root.setAttribute('role', 'img');
    root.setAttribute('aria-label', label);
    root.setAttribute('shape-rendering', 'crispEdges');
    var background = document.createElementNS(SVG_NS, 'rect');
    background.setAttribute('x', '0');
    background.setAttribute('y', '0');
    background.setAttribute('width', String(extent));
    background.setAttribute('height', String(extent));
    background.setAttribute('fill', '#ffffff');
    root.appendChild(background);
    // One path: a rectangle per horizontal run of dark modules.
    var d = [];
    for (var r = 0; r < qr.size; r++) {
      for (var c = 0; c < qr.size; c++) {
        if (!qr.modules[r][c]) continue;
        var start = c;
        while (c + 1 < qr.size && qr.modules[r][c + 1]) c++;
        d.push('M' + (start + border) + ' ' + (r + border) + 'h' + (c - start + 1) + 'v1h-' + (c - start + 1) + 'z');
      }
    }
    var path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d.join(''));
    path.setAttribute('fill', '#000000');
    root.appendChild(path);
    return root;
  }

  var api = { encode: encode, svg: svg };
  if (Object.freeze) Object.freeze(api);
  window.LikenessQR = api;
})();

// Likeness API reference: renders /openapi.json in the browser.
// No third-party code, no external requests. Document text is only ever put into the page
// through textContent / text nodes (never innerHTML).
"use strict";
(function () {
  const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
  const MAX_DEPTH = 5;
  let DOC = null;
  const ORIGIN = window.location.origin;

  // ---------------------------------------------------------------- DOM helpers

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") node.className = v;
        else if (k === "text") node.textContent = v;
        else if (k === "dataset") Object.assign(node.dataset, v);
        else if (k === "hidden") node.hidden = !!v;
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) append(node, c);
      else if (c instanceof Node) node.appendChild(c);
      else node.appendChild(document.createTextNode(String(c)));
    }
    return node;
  }

  function code(text, cls) { return h("code", cls ? { class: cls } : null, String(text)); }

  // Inline markdown: `code` spans only; everything else is plain text.
  function mdInline(text) {
    const frag = document.createDocumentFragment();
    if (typeof text !== "string") return frag;
    const parts = text.split(/(`[^`]+`)/);
    for (const part of parts) {
      if (part.length > 2 && part.startsWith("`") && part.endsWith("`")) frag.appendChild(code(part.slice(1, -1)));
      else if (part) frag.appendChild(document.createTextNode(part));
    }
    return frag;
  }

  // Block markdown: paragraphs separated by blank lines, each with inline code spans.
  function md(text, cls) {
    const frag = document.createDocumentFragment();
    if (typeof text !== "string" || !text.trim()) return frag;
    for (const para of text.split(/\n\s*\n/)) {
      if (!para.trim()) continue;
      frag.appendChild(h("p", cls ? { class: cls } : null, mdInline(para.trim())));
    }
    return frag;
  }

  function slug(s) { return String(s).replace(/[^A-Za-z0-9_-]+/g, "-"); }

  // ---------------------------------------------------------------- $ref handling

  function pointer(ref) {
    if (typeof ref !== "string" || !ref.startsWith("#/")) return undefined;
    let node = DOC;
    for (const raw of ref.slice(2).split("/")) {
      const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      if (node === null || typeof node !== "object" || !(key in node)) return undefined;
      node = node[key];
    }
    return node;
  }

  function refName(ref) { return String(ref).split("/").pop(); }

  // Follows $ref chains; returns the target (or {} when it cannot be resolved).
  function deref(obj, guard) {
    let n = obj;
    let hops = 0;
    while (n && typeof n === "object" && typeof n.$ref === "string" && hops < 20) {
      const t = pointer(n.$ref);
      if (t === undefined) return {};
      n = t;
      hops += 1;
    }
    return n || {};
  }

  function isSchemaRef(s) { return s && typeof s.$ref === "string" && s.$ref.startsWith("#/components/schemas/"); }

  function types(s) {
    if (Array.isArray(s.type)) return s.type.slice();
    if (typeof s.type === "string") return [s.type];
    return [];
  }

  // Merge an allOf (and the schema's own properties) into one object view.
  function objectView(schema, seen) {
    const s = deref(schema);
    const view = { properties: {}, required: new Set(), additional: s.additionalProperties, variants: null, of: null };
    const parts = [s];
    if (Array.isArray(s.allOf)) for (const p of s.allOf) parts.push(deref(p));
    for (const p of parts) {
      if (p.properties) {
        for (const [k, v] of Object.entries(p.properties)) {
          // A later part narrowing an existing property (e.g. code: enum) is merged into it.
          if (view.properties[k] && !v.$ref) view.properties[k] = Object.assign({}, deref(view.properties[k]), v);
          else view.properties[k] = v;
        }
      }
      if (Array.isArray(p.required)) for (const r of p.required) view.required.add(r);
      if (p.additionalProperties !== undefined && p !== s) view.additional = p.additionalProperties;
    }
    const alt = s.oneOf ? "oneOf" : s.anyOf ? "anyOf" : null;
    if (alt) { view.variants = s[alt]; view.of = alt; }
    return view;
  }

  function isObjectLike(schema) {
    const s = deref(schema);
    return !!(s.properties || (Array.isArray(s.allOf) && s.allOf.some((p) => deref(p).properties)) ||
      (types(s).includes("object") && (s.oneOf || s.anyOf)));
  }

  function isFileSchema(schema) {
    const s = deref(schema);
    if (s.format === "binary") return true;
    if (types(s).includes("array") && s.items) return isFileSchema(s.items);
    return false;
  }

  function isBase64Schema(schema) {
    const s = deref(schema);
    if (s.contentEncoding === "base64") return true;
    if (types(s).includes("array") && s.items) return isBase64Schema(s.items);
    for (const k of ["oneOf", "anyOf"]) if (Array.isArray(s[k]) && s[k].some(isBase64Schema)) return true;
    return false;
  }

  // ---------------------------------------------------------------- schema labels

  function schemaLink(name) { return h("a", { href: "#schema-" + slug(name), class: "schema-link" }, name); }

  // A short type description: a fragment of text and links.
  function typeNode(schema, depth) {
    depth = depth || 0;
    const frag = document.createDocumentFragment();
    if (!schema || typeof schema !== "object") { frag.append("any"); return frag; }
    if (isSchemaRef(schema)) {
      frag.appendChild(schemaLink(refName(schema.$ref)));
      const t = deref(schema);
      const ts = types(t);
      if (ts.length) frag.append(" (" + ts.join(" | ") + ")");
      return frag;
    }
    const s = deref(schema);
    if (depth > 6) { frag.append("…"); return frag; }
    for (const k of ["oneOf", "anyOf"]) {
      if (Array.isArray(s[k]) && s[k].length) {
        frag.append(k === "oneOf" ? "one of: " : "any of: ");
        s[k].forEach((v, i) => {
          if (i) frag.append(" | ");
          frag.appendChild(typeNode(v, depth + 1));
        });
        return frag;
      }
    }
    if (Array.isArray(s.allOf) && s.allOf.length) {
      const refs = s.allOf.filter(isSchemaRef);
      if (refs.length === 1) {
        frag.appendChild(typeNode(refs[0], depth + 1));
        return frag;
      }
      frag.append("object");
      return frag;
    }
    let ts = types(s);
    if (!ts.length) ts = s.properties ? ["object"] : s.items ? ["array"] : [];
    if (!ts.length) { frag.append("any"); return frag; }
    ts.forEach((t, i) => {
      if (i) frag.append(" | ");
      if (t === "array") {
        frag.append("array of ");
        frag.appendChild(s.items ? typeNode(s.items, depth + 1) : document.createTextNode("any"));
      } else if (t === "string" && s.format === "binary") {
        frag.append("file");
      } else {
        frag.append(t);
        const notes = [];
        if (s.format) notes.push(s.format);
        if (s.contentEncoding) notes.push(s.contentEncoding + (s.contentMediaType ? " " + s.contentMediaType : ""));
        if (t === "string" && notes.length) frag.append(" (" + notes.join(", ") + ")");
        else if ((t === "integer" || t === "number") && s.format) frag.append(" (" + s.format + ")");
      }
    });
    return frag;
  }

  function fmtValue(v) {
    if (typeof v === "string") return v;
    return JSON.stringify(v);
  }

  // min/max/length/items/pattern/etc as a short text.
  function constraints(schema) {
    const s = deref(schema);
    const out = [];
    const range = (lo, hi, loEx, hiEx, unit) => {
      if (lo === undefined && hi === undefined) return;
      if (lo !== undefined && hi !== undefined) out.push(lo + (loEx ? " < " : " ≤ ") + unit + (hiEx ? " < " : " ≤ ") + hi);
      else if (lo !== undefined) out.push(unit + (loEx ? " > " : " ≥ ") + lo);
      else out.push(unit + (hiEx ? " < " : " ≤ ") + hi);
    };
    const lo = s.exclusiveMinimum !== undefined && typeof s.exclusiveMinimum !== "boolean" ? s.exclusiveMinimum : s.minimum;
    const hi = s.exclusiveMaximum !== undefined && typeof s.exclusiveMaximum !== "boolean" ? s.exclusiveMaximum : s.maximum;
    range(lo, hi, s.exclusiveMinimum !== undefined && lo === s.exclusiveMinimum && s.exclusiveMinimum !== s.minimum,
      s.exclusiveMaximum !== undefined && hi === s.exclusiveMaximum && s.exclusiveMaximum !== s.maximum, "value");
    range(s.minLength, s.maxLength, false, false, "length");
    range(s.minItems, s.maxItems, false, false, "items");
    if (s.uniqueItems) out.push("unique items");
    const frag = document.createDocumentFragment();
    if (out.length) frag.append(out.join("; "));
    if (s.pattern) {
      if (out.length) frag.append("; ");
      frag.append("pattern ");
      frag.appendChild(code(s.pattern));
    }
    const ex = s.example !== undefined ? [s.example] : Array.isArray(s.examples) ? s.examples : null;
    if (ex && ex.length) {
      if (frag.childNodes.length) frag.append("; ");
      frag.append(ex.length > 1 ? "examples " : "example ");
      ex.forEach((e, i) => { if (i) frag.append(", "); frag.appendChild(code(fmtValue(e))); });
    }
    if (types(s).includes("object") && !s.properties && !s.allOf && !s.oneOf && !s.anyOf) {
      if (frag.childNodes.length) frag.append("; ");
      frag.append("any JSON object");
    }
    return frag;
  }

  function enumNode(schema) {
    const s = deref(schema);
    let values = null;
    if (s.const !== undefined) values = [s.const];
    else if (Array.isArray(s.enum)) values = s.enum;
    else if (types(s).includes("array") && s.items) {
      const it = deref(s.items);
      if (Array.isArray(it.enum)) values = it.enum;
    }
    if (!values) return null;
    const frag = document.createDocumentFragment();
    values.forEach((v, i) => { if (i) frag.append(" "); frag.appendChild(code(fmtValue(v), "enum-value")); });
    return frag;
  }

  function defaultNode(schema) {
    const s = deref(schema);
    if (s.default === undefined) return null;
    return code(fmtValue(s.default));
  }

  // ---------------------------------------------------------------- property tables

  // Flattens an object schema into rows: nested objects as `a.b`, arrays of objects as `a[].b`,
  // alternatives (oneOf/anyOf) of objects as "variant n" rows.
  function collectRows(schema, prefix, depth, seen, rows, variantLabel) {
    const view = objectView(schema);
    for (const [name, prop] of Object.entries(view.properties)) {
      const full = prefix + name;
      rows.push({ name: full, schema: prop, required: view.required.has(name), depth, variant: variantLabel });
      descend(prop, full, depth, seen, rows);
    }
    if (view.variants) {
      view.variants.forEach((v, i) => {
        const label = (view.of === "oneOf" ? "one of" : "any of") + " #" + (i + 1);
        if (isObjectLike(v)) collectRows(v, prefix, depth, seen, rows, label);
      });
    }
    return rows;
  }

  function descend(prop, full, depth, seen, rows) {
    if (depth >= MAX_DEPTH) return;
    const key = isSchemaRef(prop) ? prop.$ref : null;
    if (key && seen.has(key)) return;
    const next = key ? new Set(seen).add(key) : seen;
    const s = deref(prop);
    if (isObjectLike(prop)) {
      collectRows(prop, full + ".", depth + 1, next, rows);
      return;
    }
    if (types(s).includes("array") && s.items) {
      const itemKey = isSchemaRef(s.items) ? s.items.$ref : null;
      if (itemKey && next.has(itemKey)) return;
      const nn = itemKey ? new Set(next).add(itemKey) : next;
      if (isObjectLike(s.items)) collectRows(s.items, full + "[].", depth + 1, nn, rows);
      else {
        const it = deref(s.items);
        for (const k of ["oneOf", "anyOf"]) {
          if (Array.isArray(it[k])) {
            it[k].forEach((v, i) => {
              if (isObjectLike(v)) collectRows(v, full + "[].", depth + 1, nn, rows, (k === "oneOf" ? "one of" : "any of") + " #" + (i + 1));
            });
          }
        }
      }
      return;
    }
    for (const k of ["oneOf", "anyOf"]) {
      if (Array.isArray(s[k])) {
        s[k].forEach((v, i) => {
          if (isObjectLike(v)) collectRows(v, full + ".", depth + 1, next, rows, (k === "oneOf" ? "one of" : "any of") + " #" + (i + 1));
        });
      }
    }
  }

  function cell(label, content, cls) {
    return h("td", { "data-label": label, class: cls || null }, content);
  }

  function describe(schema) {
    const s = deref(schema);
    const frag = document.createDocumentFragment();
    // A $ref with a sibling description keeps its own; otherwise the target's.
    const text = (schema && schema.description) || s.description;
    if (text) frag.appendChild(mdInline(text));
    const c = constraints(schema);
    if (c.childNodes.length) frag.appendChild(h("span", { class: "constraints" }, c));
    return frag;
  }

  function propertiesTable(schema, caption) {
    const rows = collectRows(schema, "", 0, isSchemaRef(schema) ? new Set([schema.$ref]) : new Set(), []);
    if (!rows.length) return null;
    const tbody = h("tbody");
    for (const r of rows) {
      const nameCell = h("td", { "data-label": "Name", class: "name depth-" + Math.min(r.depth, MAX_DEPTH) },
        code(r.name), r.variant ? h("span", { class: "variant" }, r.variant) : null);
      tbody.appendChild(h("tr", null,
        nameCell,
        cell("Type", typeNode(r.schema), "type"),
        cell("Required", r.required ? h("span", { class: "req" }, "required") : h("span", { class: "opt" }, "optional"), "required"),
        cell("Default", defaultNode(r.schema) || "—", "default"),
        cell("Values", enumNode(r.schema) || "—", "enum"),
        cell("Description", describe(r.schema), "desc")));
    }
    return h("div", { class: "table-wrap" }, h("table", { class: "props" },
      caption ? h("caption", null, caption) : null,
      h("thead", null, h("tr", null, ["Name", "Type", "Required", "Default", "Values", "Description"].map((t) => h("th", { scope: "col" }, t)))),
      tbody));
  }

  // A schema shown in one line (type, enum, constraints), for non-object schemas.
  function schemaLine(schema) {
    const frag = document.createDocumentFragment();
    frag.append("Type: ");
    frag.appendChild(typeNode(schema));
    const e = enumNode(schema);
    if (e) { frag.append("; values: "); frag.appendChild(e); }
    const d = defaultNode(schema);
    if (d) { frag.append("; default "); frag.appendChild(d); }
    const c = constraints(schema);
    if (c.childNodes.length) { frag.append("; "); frag.appendChild(c); }
    return h("p", { class: "schema-line" }, frag);
  }

  function schemaBlock(schema, caption) {
    const wrap = document.createDocumentFragment();
    const s = deref(schema);
    if (isObjectLike(schema)) {
      if (isSchemaRef(schema)) wrap.appendChild(h("p", { class: "schema-line" }, "Schema: ", schemaLink(refName(schema.$ref))));
      const table = propertiesTable(schema, caption);
      if (table) wrap.appendChild(table);
      const view = objectView(schema);
      if (view.additional === false) wrap.appendChild(h("p", { class: "note" }, "Unknown fields are refused (400 ", code("validation_failed"), ")."));
    } else {
      wrap.appendChild(schemaLine(schema));
      if (s.description && !isSchemaRef(schema)) wrap.appendChild(md(s.description));
    }
    return wrap;
  }

  // ---------------------------------------------------------------- problem codes

  function problemCodes(schema) {
    const codes = [];
    const visit = (sch, depth) => {
      if (!sch || depth > 8) return;
      const s = deref(sch);
      const codeProp = s.properties && s.properties.code ? deref(s.properties.code) : null;
      if (codeProp) {
        if (Array.isArray(codeProp.enum)) codes.push(...codeProp.enum);
        if (codeProp.const !== undefined) codes.push(codeProp.const);
      }
      for (const k of ["allOf", "oneOf", "anyOf"]) if (Array.isArray(s[k])) s[k].forEach((p) => visit(p, depth + 1));
    };
    visit(schema, 0);
    return [...new Set(codes.map(String))];
  }

  function isProblemMedia(mt) { return /problem\+json/.test(mt); }

  // What a response description says about one code. Descriptions name codes as
  // "`code`: meaning. `other`: meaning" or "`code` (meaning)"; "" when neither form fits.
  function meaningOf(codeName, description) {
    if (typeof description !== "string") return "";
    const marks = [...description.matchAll(/`([A-Za-z0-9_.-]+)`\s*:/g)];
    const i = marks.findIndex((m) => m[1] === codeName);
    if (i >= 0) {
      const start = marks[i].index + marks[i][0].length;
      const end = i + 1 < marks.length ? marks[i + 1].index : description.length;
      return description.slice(start, end).trim().replace(/[\s.;,]+$/, "");
    }
    const esc = codeName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const m = description.match(new RegExp("`" + esc + "`\\s*\\(([^)]*)\\)"));
    if (m && m[1].trim().split(/\s+/).length >= 3) return m[1].trim();
    return "";
  }

  // ---------------------------------------------------------------- operations

  function operations() {
    const ops = [];
    for (const [path, item] of Object.entries(DOC.paths || {})) {
      const pathItem = deref(item);
      for (const method of METHODS) {
        const op = pathItem[method];
        if (!op) continue;
        const params = new Map();
        for (const p of pathItem.parameters || []) { const r = deref(p); params.set(r.in + ":" + r.name, r); }
        for (const p of op.parameters || []) { const r = deref(p); params.set(r.in + ":" + r.name, r); }
        ops.push({
          path, method, op,
          id: op.operationId || (method + "-" + path),
          tags: Array.isArray(op.tags) && op.tags.length ? op.tags : ["other"],
          params: [...params.values()],
        });
      }
    }
    return ops;
  }

  function securityOf(op) {
    const sec = op.security !== undefined ? op.security : DOC.security;
    if (!Array.isArray(sec) || !sec.length) return [];
    if (sec.some((req) => req && Object.keys(req).length === 0)) return []; // {} = optional
    return sec.map((req) => Object.keys(req));
  }

  function schemeInfo(name) {
    const s = deref(((DOC.components || {}).securitySchemes || {})[name] || {});
    if (s.type === "http" && /^bearer$/i.test(s.scheme || "")) return { kind: "bearer", header: "Authorization", label: "API key (Bearer)", s };
    if (s.type === "http" && /^basic$/i.test(s.scheme || "")) return { kind: "basic", header: "Authorization", label: "HTTP Basic", s };
    if (s.type === "apiKey") return { kind: "apiKey", header: s.name, in: s.in, label: (s.in === "header" ? "" : s.in + " ") + (s.name || name), s };
    return { kind: s.type || "unknown", label: name, s };
  }

  function needsKey(op) { return securityOf(op).some((alt) => alt.some((n) => schemeInfo(n).kind === "bearer")); }

  function securityNode(op) {
    const alts = securityOf(op);
    if (!alts.length) return h("p", { class: "security none" }, h("strong", null, "Authentication: "), "none (no API key needed).");
    const p = h("p", { class: "security" }, h("strong", null, "Authentication: "));
    alts.forEach((alt, i) => {
      if (i) p.append(alts.length > 2 && i < alts.length - 1 ? ", " : " or ");
      alt.forEach((n, j) => {
        if (j) p.append(" and ");
        const info = schemeInfo(n);
        if (info.kind === "bearer") p.append("an API key as ", code("Authorization: Bearer $KEY"));
        else if (info.kind === "apiKey" && info.in === "header") p.append("the ", code(info.header), " header (", h("a", { href: "#auth-" + slug(n) }, n), ")");
        else p.append(h("a", { href: "#auth-" + slug(n) }, n));
      });
    });
    p.append(".");
    return p;
  }

  // ---------------------------------------------------------------- curl examples

  const B64 = "@@B64:";
  function fileFor(name, schema) {
    const s = deref(schema);
    const it = types(s).includes("array") && s.items ? deref(s.items) : s;
    const media = it.contentMediaType || "";
    if (/^video\//.test(media) || /video/.test(name)) return name + ".webm";
    if (name === "image" || name === "images") return "photo.jpg";
    return name + ".jpg";
  }

  function exampleString(name, s) {
    if (s.format === "date-time") return "2026-01-01T00:00:00Z";
    if (s.format === "date") return "2026-01-01";
    if (s.format === "uuid") return "00000000-0000-4000-8000-000000000000";
    if (/^(id|subject)$/.test(name)) return "alice";
    if (/version/.test(name)) return "v1";
    if (name === "text") return "I agree to the check of my face.";
    if (name === "purpose") return "identity_verification";
    return name || "value";
  }

  function exampleValue(schema, name, depth) {
    const s = deref(schema);
    if (depth > 6) return null;
    if (s.example !== undefined) return s.example;
    if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
    if (s.const !== undefined) return s.const;
    if (s.default !== undefined) return s.default;
    if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
    if (s.contentEncoding === "base64") return B64 + fileFor(name, s);
    for (const k of ["oneOf", "anyOf"]) if (Array.isArray(s[k]) && s[k].length) return exampleValue(s[k][0], name, depth + 1);
    const t = types(s).filter((x) => x !== "null")[0] || (s.properties || s.allOf ? "object" : s.items ? "array" : "string");
    if (t === "object") return exampleObject(s, depth + 1);
    if (t === "array") return [exampleValue(s.items || {}, name, depth + 1)];
    if (t === "integer") return s.minimum !== undefined ? s.minimum : 1;
    if (t === "number") {
      if (s.minimum !== undefined) return s.minimum;
      if (s.exclusiveMinimum !== undefined && s.exclusiveMaximum !== undefined) return (s.exclusiveMinimum + s.exclusiveMaximum) / 2;
      return 1;
    }
    if (t === "boolean") return false;
    return exampleString(name, s);
  }

  // The required properties; when none of them is an image, also the first image property.
  function exampleProps(schema) {
    const view = objectView(schema);
    const names = Object.keys(view.properties).filter((n) => view.required.has(n));
    const hasImage = names.some((n) => isBase64Schema(view.properties[n]) || isFileSchema(view.properties[n]));
    if (!hasImage) {
      const img = Object.keys(view.properties).find((n) => isBase64Schema(view.properties[n]) || isFileSchema(view.properties[n]));
      if (img) names.unshift(img);
    }
    return names.map((n) => [n, view.properties[n]]);
  }

  function exampleObject(schema, depth) {
    const obj = {};
    for (const [n, p] of exampleProps(schema)) obj[n] = exampleValue(p, n, depth + 1);
    return obj;
  }

  function shq(s) { return "'" + String(s).replace(/'/g, "'\\''") + "'"; }

  function curlFor(o, mediaType) {
    const parts = ["curl -sS"];
    const method = o.method.toUpperCase();
    const rb = o.op.requestBody ? deref(o.op.requestBody) : null;
    const media = rb && rb.content && mediaType ? rb.content[mediaType] : null;
    const hasBody = !!media;
    if (method === "HEAD") parts.push("-I");
    else if (method !== "GET" && !(method === "POST" && hasBody)) parts.push("-X " + method);

    // URL: path parameters as shell variables, query parameters that are required or have a default.
    let path = o.path.replace(/\{([^}]+)\}/g, (_, n) => "$" + n.toUpperCase().replace(/[^A-Z0-9_]/g, "_"));
    const query = [];
    const qps = o.params.filter((p) => p.in === "query");
    for (const p of qps) {
      const s = deref(p.schema || {});
      if (p.required) {
        let v = s.default !== undefined ? fmtValue(s.default) : p.example !== undefined ? fmtValue(p.example) : null;
        if (v === null) {
          const ex = exampleValue(s, p.name, 0);
          v = typeof ex === "string" && ex !== p.name ? ex : "$" + p.name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
        }
        query.push([p.name, v]);
      }
      else if (s.default !== undefined && !types(s).includes("array")) query.push([p.name, fmtValue(s.default)]);
    }
    if (!query.length && qps.length && qps.length <= 2) {
      for (const p of qps) query.push([p.name, "$" + p.name.toUpperCase().replace(/[^A-Z0-9_]/g, "_")]);
    }
    const qs = query.map(([k, v]) => encodeURIComponent(k) + "=" + (v.startsWith("$") ? v : encodeURIComponent(v))).join("&");
    const url = ORIGIN + path + (qs ? "?" + qs : "");

    // Authentication: an API key when any alternative takes one, else the first scheme.
    const alts = securityOf(o.op);
    if (alts.length) {
      if (needsKey(o.op)) parts.push('-H "Authorization: Bearer $KEY"');
      else {
        for (const n of alts[0]) {
          const info = schemeInfo(n);
          if (info.kind === "apiKey" && info.in === "header") parts.push('-H "' + info.header + ": $" + info.header.toUpperCase().replace(/^X-/, "").replace(/[^A-Z0-9]/g, "_") + '"');
          else if (info.kind === "basic") parts.push('-u "$USER:$PASSWORD"');
        }
      }
    }
    for (const p of o.params.filter((x) => x.in === "header" && x.required)) {
      parts.push('-H "' + p.name + ": $" + p.name.toUpperCase().replace(/[^A-Z0-9]/g, "_") + '"');
    }

    let heredoc = null;
    if (hasBody) {
      const schema = media.schema || {};
      if (/^multipart\/form-data/.test(mediaType)) {
        for (const [n, p] of exampleProps(schema)) {
          if (isFileSchema(p)) parts.push("-F " + n + "=@" + fileFor(n, p));
          else {
            const v = exampleValue(p, n, 0);
            parts.push("-F " + shq(n + "=" + (typeof v === "string" ? v : JSON.stringify(v))));
          }
        }
      } else if (/json/.test(mediaType)) {
        parts.push("-H " + shq("Content-Type: " + mediaType));
        const value = isObjectLike(schema) ? exampleObject(schema, 0) : exampleValue(schema, "body", 0);
        const json = JSON.stringify(value);
        if (json.includes(B64)) {
          heredoc = json.replace(/"@@B64:([^"]+)"/g, (_, f) => '"$(base64 -w0 ' + f + ')"');
          parts.push("--data-binary @-");
        } else {
          parts.push("-d " + shq(json));
        }
      } else {
        parts.push("-H " + shq("Content-Type: " + mediaType) + " --data-binary @body");
      }
    }
    parts.push('"' + url + '"');
    const oneLine = parts.join(" ");
    let text = oneLine.length <= 72 && !heredoc ? oneLine : parts.join(" \\\n  ");
    if (heredoc) text += " <<EOF\n" + heredoc + "\nEOF";
    return text;
  }

  function copyButton(pre, label) {
    const btn = h("button", { type: "button", class: "copy", "aria-label": "Copy " + label }, "Copy");
    btn.addEventListener("click", async () => {
      const text = pre.textContent;
      let ok = false;
      try {
        if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); ok = true; }
      } catch (_) { ok = false; }
      if (!ok) {
        const range = document.createRange();
        range.selectNodeContents(pre);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
      }
      btn.textContent = ok ? "Copied" : "Selected";
      setTimeout(() => { btn.textContent = "Copy"; }, 1500);
    });
    return btn;
  }

  function curlBlock(o, mediaType, title) {
    const pre = h("pre", { class: "curl", tabindex: "0", "aria-label": title }, h("code", null, curlFor(o, mediaType)));
    return h("div", { class: "example" },
      h("div", { class: "example-head" }, h("span", { class: "example-title" }, title), copyButton(pre, title)),
      pre);
  }

  function variablesNote(o) {
    const vars = [];
    if (needsKey(o.op)) vars.push([code("$KEY"), " to an API key secret"]);
    for (const m of o.path.match(/\{[^}]+\}/g) || []) vars.push([code("$" + m.slice(1, -1).toUpperCase().replace(/[^A-Z0-9_]/g, "_")), " to the " + m.slice(1, -1)]);
    if (!vars.length) return null;
    const p = h("p", { class: "note" }, "Set ");
    vars.forEach((v, i) => { if (i) p.append(i === vars.length - 1 ? " and " : ", "); append(p, v); });
    p.append(" first.");
    return p;
  }

  function examplesNode(o) {
    const rb = o.op.requestBody ? deref(o.op.requestBody) : null;
    const mts = rb && rb.content ? Object.keys(rb.content) : [];
    const wrap = h("section", { class: "examples", "aria-label": "Example" }, h("h4", null, "Example"));
    if (!mts.length) {
      wrap.appendChild(curlBlock(o, null, "curl"));
      wrap.append(variablesNote(o) || "");
      return wrap;
    }
    // Multipart first when it carries files (the natural form for curl), then the others.
    const primary = mts.find((m) => /^multipart\//.test(m)) || mts[0];
    wrap.appendChild(curlBlock(o, primary, "curl, " + primary));
    const rest = mts.filter((m) => m !== primary && !/merge-patch/.test(m));
    for (const m of rest) {
      const d = h("details", { class: "more-example" }, h("summary", null, "The same with " + m));
      d.appendChild(curlBlock(o, m, "curl, " + m));
      wrap.appendChild(d);
    }
    wrap.append(variablesNote(o) || "");
    return wrap;
  }

  // ---------------------------------------------------------------- sections of one operation

  function parametersNode(o) {
    if (!o.params.length) return null;
    const tbody = h("tbody");
    for (const p of o.params) {
      const s = p.schema || (p.content ? (Object.values(p.content)[0] || {}).schema : {}) || {};
      const desc = h("td", { "data-label": "Description", class: "desc" }, mdInline(p.description || deref(s).description || ""));
      const c = constraints(s);
      if (c.childNodes.length) desc.appendChild(h("span", { class: "constraints" }, c));
      if (p.style || p.explode !== undefined) {
        desc.appendChild(h("span", { class: "constraints" }, "style " + (p.style || "form") + (p.explode ? ", exploded (repeat the parameter)" : "")));
      }
      if (p.deprecated) desc.appendChild(h("span", { class: "constraints" }, "deprecated"));
      tbody.appendChild(h("tr", null,
        h("td", { "data-label": "Name", class: "name" }, code(p.name)),
        cell("In", p.in, "in"),
        cell("Type", typeNode(s), "type"),
        cell("Required", p.required ? h("span", { class: "req" }, "required") : h("span", { class: "opt" }, "optional"), "required"),
        cell("Default", defaultNode(s) || "—", "default"),
        cell("Values", enumNode(s) || "—", "enum"),
        desc));
    }
    return h("section", { class: "params", "aria-label": "Parameters" },
      h("h4", null, "Parameters"),
      h("div", { class: "table-wrap" }, h("table", { class: "props params-table" },
        h("thead", null, h("tr", null, ["Name", "In", "Type", "Required", "Default", "Values", "Description"].map((t) => h("th", { scope: "col" }, t)))),
        tbody)));
  }

  function requestBodyNode(o) {
    if (!o.op.requestBody) return null;
    const rb = deref(o.op.requestBody);
    const sec = h("section", { class: "body", "aria-label": "Request body" },
      h("h4", null, "Request body ", h("span", { class: rb.required ? "req" : "opt" }, rb.required ? "required" : "optional")));
    if (rb.description) sec.appendChild(md(rb.description));
    for (const [mt, media] of Object.entries(rb.content || {})) {
      const block = h("div", { class: "media" }, h("h5", null, code(mt)));
      if (media.schema) block.appendChild(schemaBlock(media.schema, null));
      if (media.encoding) {
        const items = Object.entries(media.encoding).filter(([, e]) => e && e.contentType);
        if (items.length) {
          const ul = h("ul", { class: "encoding" });
          for (const [n, e] of items) ul.appendChild(h("li", null, code(n), " part types: ", e.contentType));
          block.appendChild(ul);
        }
      }
      sec.appendChild(block);
    }
    return sec;
  }

  function responsesNode(o) {
    const entries = Object.entries(o.op.responses || {});
    if (!entries.length) return null;
    const tbody = h("tbody");
    const fieldBlocks = [];
    for (const [status, raw] of entries) {
      const r = deref(raw);
      const content = h("td", { "data-label": "Content", class: "content" });
      const problem = [];
      for (const [mt, media] of Object.entries(r.content || {})) {
        const line = h("div", { class: "media-line" }, code(mt));
        if (media.schema) {
          line.append(" ");
          const sch = media.schema;
          if (isProblemMedia(mt)) {
            const codes = problemCodes(sch);
            problem.push(...codes);
            const base = (Array.isArray(deref(sch).allOf) ? deref(sch).allOf.find(isSchemaRef) : null) || (isSchemaRef(sch) ? sch : null);
            if (base) line.appendChild(schemaLink(refName(base.$ref)));
          } else {
            line.appendChild(typeNode(sch));
            if (isObjectLike(sch) && /^2/.test(status)) {
              const d = h("details", { class: "fields" }, h("summary", null, "Fields of the " + status + " answer (", code(mt), ")"));
              d.appendChild(schemaBlock(sch, null));
              fieldBlocks.push(d);
            }
          }
        }
        content.appendChild(line);
      }
      if (problem.length) {
        const codes = h("div", { class: "codes" }, problem.length > 1 ? "codes: " : "code: ");
        problem.forEach((c, i) => { if (i) codes.append(" "); codes.appendChild(h("a", { href: "#error-" + slug(c), class: "code-chip" }, code(c))); });
        content.appendChild(codes);
      }
      if (r.headers && Object.keys(r.headers).length) {
        const hl = h("div", { class: "resp-headers" }, "headers: ");
        Object.entries(r.headers).forEach(([n, hd], i) => {
          if (i) hl.append(", ");
          hl.appendChild(code(n));
          const hdr = deref(hd);
          if (hdr.description) { hl.append(" ("); hl.appendChild(mdInline(hdr.description)); hl.append(")"); }
        });
        content.appendChild(hl);
      }
      if (!content.childNodes.length) content.append("—");
      const desc = h("td", { "data-label": "Description", class: "desc" }, mdInline(r.description || ""));
      const cls = /^2/.test(status) ? "ok" : /^3/.test(status) ? "redirect" : /^[45]/.test(status) ? "err" : "";
      tbody.appendChild(h("tr", null,
        h("td", { "data-label": "Status", class: "status" }, h("span", { class: "status-code " + cls }, status)),
        desc, content));
    }
    return h("section", { class: "responses", "aria-label": "Responses" },
      h("h4", null, "Responses"),
      h("div", { class: "table-wrap" }, h("table", { class: "props resp-table" },
        h("thead", null, h("tr", null, ["Status", "Description", "Content"].map((t) => h("th", { scope: "col" }, t)))),
        tbody)), fieldBlocks);
  }

  // A path with break opportunities after each "/" (long paths wrap there on narrow screens).
  function pathNode(path) {
    const frag = document.createDocumentFragment();
    String(path).split(/(?<=\/)/).forEach((part, i) => {
      if (i) frag.appendChild(document.createElement("wbr"));
      frag.append(part);
    });
    return frag;
  }

  function methodBadge(m) { return h("span", { class: "method method-" + m }, m.toUpperCase()); }

  function operationNode(o) {
    const art = h("article", {
      class: "operation", id: o.id,
      dataset: { operationId: o.id, method: o.method, path: o.path },
      "aria-labelledby": "h-" + o.id,
    });
    const head = h("h3", { id: "h-" + o.id, class: "op-title" },
      methodBadge(o.method), " ", h("span", { class: "path" }, pathNode(o.path)),
      h("a", { href: "#" + o.id, class: "permalink", "aria-label": "Link to " + o.method.toUpperCase() + " " + o.path }, "#"));
    art.appendChild(head);
    const meta = h("p", { class: "op-meta" });
    if (o.op.summary) meta.appendChild(h("span", { class: "summary" }, mdInline(o.op.summary)));
    meta.appendChild(h("span", { class: "opid" }, " ", code(o.id)));
    if (needsKey(o.op)) meta.appendChild(h("span", { class: "key-badge" }, "API key"));
    else if (!securityOf(o.op).length) meta.appendChild(h("span", { class: "open-badge" }, "no auth"));
    else meta.appendChild(h("span", { class: "key-badge" }, "token"));
    if (o.op.deprecated) meta.appendChild(h("span", { class: "key-badge" }, "deprecated"));
    art.appendChild(meta);
    if (o.op.description) art.appendChild(h("div", { class: "op-desc" }, md(o.op.description)));
    art.appendChild(securityNode(o.op));
    art.append(parametersNode(o) || "", requestBodyNode(o) || "", responsesNode(o) || "", examplesNode(o));
    return art;
  }

  // ---------------------------------------------------------------- whole-document sections

  function overviewNode(ops) {
    const info = DOC.info || {};
    const sec = h("section", { id: "overview", class: "overview", "aria-labelledby": "overview-h" },
      h("h2", { id: "overview-h" }, "Overview"));
    const facts = h("dl", { class: "facts" });
    const fact = (k, v) => facts.append(h("div", null, h("dt", null, k), h("dd", null, v)));
    fact("API", (info.title || "API") + " " + (info.version || ""));
    fact("OpenAPI", DOC.openapi || "—");
    fact("Base URL", code(ORIGIN));
    fact("Operations", String(ops.length));
    sec.appendChild(facts);
    if (info.summary) sec.appendChild(h("p", { class: "lede" }, mdInline(info.summary)));
    if (info.description) sec.appendChild(md(info.description));
    const schemes = Object.entries((DOC.components || {}).securitySchemes || {});
    if (schemes.length) {
      sec.appendChild(h("h3", { id: "authentication" }, "Authentication"));
      const ul = h("ul", { class: "schemes" });
      for (const [n, raw] of schemes) {
        const info2 = schemeInfo(n);
        const li = h("li", { id: "auth-" + slug(n) }, h("strong", null, n), ": ");
        if (info2.kind === "bearer") li.append(code("Authorization: Bearer <secret>"), " header. ");
        else if (info2.kind === "apiKey") li.append(code(info2.header), " " + (info2.in || "header") + ". ");
        li.appendChild(mdInline(deref(raw).description || ""));
        ul.appendChild(li);
      }
      sec.appendChild(ul);
    }
    sec.appendChild(h("p", null, "The examples use ", code("$KEY"), " for an API key secret; create one with ",
      code("likeness keys create --tenant T"), ". The machine-readable document is ", h("a", { href: "/openapi.json" }, "/openapi.json"), "."));
    return sec;
  }

  function errorsNode(ops) {
    // code -> { statuses:Set, meanings:Set, ops:Map(id -> label) }
    const byCode = new Map();
    for (const o of ops) {
      for (const [status, raw] of Object.entries(o.op.responses || {})) {
        const r = deref(raw);
        for (const [mt, media] of Object.entries(r.content || {})) {
          if (!isProblemMedia(mt) || !media.schema) continue;
          for (const c of problemCodes(media.schema)) {
            if (!byCode.has(c)) byCode.set(c, { statuses: new Set(), meanings: new Set(), ops: new Map() });
            const e = byCode.get(c);
            e.statuses.add(status);
            const m = meaningOf(c, r.description);
            if (m) e.meanings.add(m);
            else if (r.description && !e.fallback) e.fallback = r.description;
            e.ops.set(o.id, o.method.toUpperCase() + " " + o.path);
          }
        }
      }
    }
    const sec = h("section", { id: "errors", class: "errors", "aria-labelledby": "errors-h" },
      h("h2", { id: "errors-h" }, "Error codes"));
    const problem = ((DOC.components || {}).schemas || {}).Problem;
    sec.appendChild(h("p", null, "Every error answers ", code("application/problem+json"), " (RFC 9457) with a stable ",
      code("code"), " to match on; ", code("detail"), " is for people. ", problem ? ["The body is a ", schemaLink("Problem"), "."] : null));
    const tbody = h("tbody");
    const sorted = [...byCode.entries()].sort((a, b) => {
      const sa = Math.min(...[...a[1].statuses].map(Number)), sb = Math.min(...[...b[1].statuses].map(Number));
      return sa - sb || a[0].localeCompare(b[0]);
    });
    for (const [c, e] of sorted) {
      const meaning = h("td", { "data-label": "Meaning", class: "desc" });
      if (e.meanings.size) {
        const list = [...e.meanings];
        if (list.length === 1) meaning.appendChild(mdInline(list[0]));
        else {
          const ul = h("ul", { class: "meanings" });
          for (const m of list) ul.appendChild(h("li", null, mdInline(m)));
          meaning.appendChild(ul);
        }
      } else if (e.fallback) meaning.appendChild(mdInline(e.fallback));
      else meaning.append("—");
      const used = h("details", { class: "used-by" }, h("summary", null, e.ops.size + (e.ops.size === 1 ? " operation" : " operations")));
      const ul = h("ul");
      for (const [id, label] of e.ops) ul.appendChild(h("li", null, h("a", { href: "#" + id }, label)));
      used.appendChild(ul);
      tbody.appendChild(h("tr", { id: "error-" + slug(c) },
        h("td", { "data-label": "Code", class: "name" }, code(c)),
        h("td", { "data-label": "Status", class: "status" }, [...e.statuses].sort().join(", ")),
        meaning,
        h("td", { "data-label": "Used by", class: "used" }, used)));
    }
    sec.appendChild(h("div", { class: "table-wrap" }, h("table", { class: "props errors-table" },
      h("thead", null, h("tr", null, ["Code", "Status", "Meaning", "Used by"].map((t) => h("th", { scope: "col" }, t)))),
      tbody)));
    sec.dataset.codes = String(byCode.size);
    return { node: sec, codes: sorted.map(([c]) => c) };
  }

  function schemasNode() {
    const schemas = Object.entries((DOC.components || {}).schemas || {});
    const sec = h("section", { id: "schemas", class: "schemas", "aria-labelledby": "schemas-h" },
      h("h2", { id: "schemas-h" }, "Schemas"),
      h("p", null, "The objects the operations take and answer. Open one to see its fields."));
    for (const [name, schema] of schemas) {
      const d = h("details", { class: "schema", id: "schema-" + slug(name) },
        h("summary", null, h("span", { class: "schema-name" }, name), " ", h("span", { class: "schema-type" }, typeNode(schema))));
      const s = deref(schema);
      if (s.description) d.appendChild(md(s.description));
      const ref = { $ref: "#/components/schemas/" + name.replace(/~/g, "~0").replace(/\//g, "~1") };
      if (isObjectLike(schema)) {
        const t = propertiesTable(ref, null);
        if (t) d.appendChild(t);
        if (s.additionalProperties === false) d.appendChild(h("p", { class: "note" }, "No other fields."));
      } else d.appendChild(schemaLine(schema));
      sec.appendChild(d);
    }
    return sec;
  }

  function tagOrder(ops) {
    const declared = (DOC.tags || []).map((t) => t.name);
    const order = [...declared];
    for (const o of ops) for (const t of o.tags) if (!order.includes(t)) order.push(t);
    const info = new Map((DOC.tags || []).map((t) => [t.name, t]));
    // Only the first tag places an operation, so each appears once.
    return order.map((name) => ({ name, info: info.get(name) || {}, ops: ops.filter((o) => o.tags[0] === name) }))
      .filter((g) => g.ops.length);
  }

  function tocNode(groups, errorCount) {
    const root = h("ul", { class: "toc-root" });
    root.appendChild(h("li", null, h("a", { href: "#overview" }, "Overview")));
    for (const g of groups) {
      const ul = h("ul", { class: "toc-ops" });
      for (const o of g.ops) {
        ul.appendChild(h("li", { dataset: { tocFor: o.id } },
          h("a", { href: "#" + o.id, title: o.op.summary || null }, methodBadge(o.method), " ", h("span", { class: "toc-path" }, pathNode(o.path)))));
      }
      root.appendChild(h("li", { class: "toc-group", dataset: { tocTag: g.name } },
        h("a", { href: "#tag-" + slug(g.name), class: "toc-tag" }, g.name), ul));
    }
    root.appendChild(h("li", null, h("a", { href: "#errors" }, "Error codes (" + errorCount + ")")));
    root.appendChild(h("li", null, h("a", { href: "#schemas" }, "Schemas")));
    return root;
  }

  // ---------------------------------------------------------------- filter, anchors

  function setupFilter(ops, groups) {
    const input = document.getElementById("filter");
    const count = document.getElementById("filter-count");
    const hay = new Map(ops.map((o) => [o.id, [o.method, o.path, o.op.summary || "", o.id, o.tags.join(" ")].join(" ").toLowerCase()]));
    const apply = () => {
      const terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const o of ops) {
        const match = terms.every((t) => hay.get(o.id).includes(t));
        document.getElementById(o.id).hidden = !match;
        const li = document.querySelector('[data-toc-for="' + CSS.escape(o.id) + '"]');
        if (li) li.hidden = !match;
        if (match) shown += 1;
      }
      for (const g of groups) {
        const any = g.ops.some((o) => !document.getElementById(o.id).hidden);
        document.getElementById("tag-" + slug(g.name)).hidden = !any;
        const li = document.querySelector('[data-toc-tag="' + CSS.escape(g.name) + '"]');
        if (li) li.hidden = !any;
      }
      count.textContent = terms.length ? "Showing " + shown + " of " + ops.length + " operations" : ops.length + " operations";
      document.getElementById("no-match").hidden = shown !== 0;
    };
    input.addEventListener("input", apply);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && input.value) { input.value = ""; apply(); }
    });
    apply();
    return { input, apply };
  }

  function revealTarget(filter) {
    let id;
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return; } // a malformed hash (e.g. #%E0): no target
    if (!id) return;
    const target = document.getElementById(id);
    if (!target) return;
    if (target.closest(".operation") && target.closest(".operation").hidden && filter) {
      filter.input.value = "";
      filter.apply();
    }
    const det = target.closest("details");
    if (det) det.open = true;
    if (target.tagName === "DETAILS") target.open = true;
    target.scrollIntoView({ block: "start" });
  }

  function setupTocCollapse() {
    const det = document.getElementById("toc-details");
    const mq = window.matchMedia("(min-width: 62rem)");
    const sync = () => { det.open = mq.matches; };
    sync();
    if (mq.addEventListener) mq.addEventListener("change", sync);
    // On a phone, following a link in the contents closes it again.
    document.getElementById("toc").addEventListener("click", (e) => {
      if (e.target.closest("a") && !mq.matches) det.open = false;
    });
  }

  // ---------------------------------------------------------------- main

  // Each cell's content in one box, so the phone layout (a label beside the content) stays two columns.
  function wrapCells(root) {
    for (const td of root.querySelectorAll("td")) {
      if (td.textContent === "—") td.classList.add("empty");
      const box = document.createElement("div");
      box.className = "cell";
      while (td.firstChild) box.appendChild(td.firstChild);
      td.appendChild(box);
    }
  }

  function render() {
    const ops = operations();
    const groups = tagOrder(ops);
    const errors = errorsNode(ops);
    const content = document.getElementById("content");
    const title = document.getElementById("top");
    title.textContent = ((DOC.info && DOC.info.title) || "API") + " API reference";
    title.appendChild(h("span", { class: "version" }, " " + ((DOC.info && DOC.info.version) || "")));
    document.title = title.textContent.trim();

    const frag = document.createDocumentFragment();
    frag.appendChild(overviewNode(ops));
    frag.appendChild(h("p", { id: "no-match", class: "no-match", hidden: true, role: "status" }, "No operation matches the filter."));
    for (const g of groups) {
      const sec = h("section", { id: "tag-" + slug(g.name), class: "tag", "aria-labelledby": "tag-h-" + slug(g.name) },
        h("h2", { id: "tag-h-" + slug(g.name) }, g.name));
      if (g.info.description) sec.appendChild(md(g.info.description, "tag-desc"));
      for (const o of g.ops) sec.appendChild(operationNode(o));
      frag.appendChild(sec);
    }
    frag.appendChild(errors.node);
    frag.appendChild(schemasNode());
    wrapCells(frag);
    content.appendChild(frag);
    document.getElementById("toc").appendChild(tocNode(groups, errors.codes.length));

    const filter = setupFilter(ops, groups);
    setupTocCollapse();
    window.addEventListener("hashchange", () => revealTarget(null));
    revealTarget(filter);
    const status = document.getElementById("docs-status");
    status.textContent = "";
    status.hidden = true;
    document.body.dataset.rendered = "true";
    document.body.dataset.operations = String(ops.length);
  }

  async function load() {
    const status = document.getElementById("docs-status");
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 15000);
    try {
      const r = await fetch("/openapi.json", { cache: "no-store", signal: ctl.signal, headers: { Accept: "application/json" } });
      if (!r.ok) throw new Error("/openapi.json answered " + r.status);
      DOC = await r.json();
      render();
    } catch (e) {
      status.classList.add("error");
      status.textContent = "Could not load the API document: " + (e && e.name === "AbortError" ? "timed out" : (e && e.message) || e) + ". ";
      status.appendChild(h("a", { href: "/openapi.json" }, "Open /openapi.json"));
      document.body.dataset.rendered = "error";
    } finally {
      clearTimeout(timer);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
  else load();
})();

-- Keep a délibération's Markdown to ordinary text, the same for the site, the PDF and the
-- Word/ODT copies (one pandoc run writes them all):
-- * no image (a path would be read from disk by the PDF engine, a URL fetched by the reader's
--   browser);
-- * no link other than http(s), mailto or within the page (a "javascript:" link would run in
--   the browser), decided on the target as a browser reads it: ASCII spaces and control
--   characters (a tab written "&#x09;", a leading space) removed, letters in any case;
-- * no raw output code (HTML, Typst, LaTeX): shown as text;
-- * attributes read with an allowlist: an identifier and classes from a safe alphabet, nothing
--   else ("onclick", "onfocus", "style", "tabindex", "autofocus"… are dropped). Classes of the
--   site's theme ("md-…", which lay out its header, dialogs and overlays) are dropped too.

local function cleaned_target(target)
  -- %c is every ASCII control character, %s adds the space: a browser ignores them in a
  -- scheme ("java\tscript:", " JaVaScRiPt:").
  return target:gsub("[%c%s]", ""):lower()
end

local function safe_target(target)
  local clean = cleaned_target(target)
  return clean:match("^https?://") or clean:match("^mailto:") or clean:match("^#")
end

-- An identifier or a class: an ASCII letter, then letters, digits, "-" or "_" (64 at most).
local function safe_name(name)
  return #name <= 64 and name:match("^[A-Za-z][A-Za-z0-9_-]*$") ~= nil
end

local function safe_class(class)
  return safe_name(class) and not class:lower():match("^md%-")
end

local function safe_attr(attr)
  local classes = {}
  for _, class in ipairs(attr.classes) do
    if safe_class(class) then
      table.insert(classes, class)
    end
  end
  local identifier = safe_name(attr.identifier) and attr.identifier or ""
  return pandoc.Attr(identifier, classes, {})
end

-- Every element that carries attributes, with its attributes cleaned.
local function clean(el)
  el.attr = safe_attr(el.attr)
  return el
end

Div = clean
Span = clean
Header = clean
Code = clean
CodeBlock = clean
Figure = clean

local function clean_rows(rows)
  for _, row in ipairs(rows) do
    row.attr = safe_attr(row.attr)
    for _, cell in ipairs(row.cells) do
      cell.attr = safe_attr(cell.attr)
    end
  end
end

function Table(el)
  el.attr = safe_attr(el.attr)
  el.head.attr = safe_attr(el.head.attr)
  clean_rows(el.head.rows)
  for _, body in ipairs(el.bodies) do
    body.attr = safe_attr(body.attr)
    clean_rows(body.head)
    clean_rows(body.body)
  end
  el.foot.attr = safe_attr(el.foot.attr)
  clean_rows(el.foot.rows)
  return el
end

function Image(el)
  return el.caption
end

function Link(el)
  if not safe_target(el.target) then
    return el.content
  end
  el.attr = safe_attr(el.attr)
  return el
end

function RawInline(el)
  return pandoc.Str(el.text)
end

function RawBlock(el)
  return pandoc.CodeBlock(el.text)
end

-- Keep a délibération's Markdown to ordinary text: no image (a path would be read from disk by
-- the PDF engine, a URL fetched by the reader's browser), no link other than http(s), mailto
-- or within the page (a "javascript:" link would run in the browser), no raw output code.
local function safe_target(target)
  local lower = target:lower()
  return lower:match("^https?://") or lower:match("^mailto:") or lower:match("^#")
end

function Image(el)
  return el.caption
end

function Link(el)
  if not safe_target(el.target) then
    return el.content
  end
end

function RawInline(el)
  return pandoc.Str(el.text)
end

function RawBlock(el)
  return pandoc.CodeBlock(el.text)
end

-- Custom writer: the document is several texts joined by marker paragraphs (the metadata value
-- "registre-split" followed by the text's index, 0, 1, 2…). Each text is written on its own in
-- every format listed in the metadata "registre-formats" (comma-separated), so that its
-- footnotes stay with it and are numbered from 1, and the Markdown is read once for all the
-- formats. The output is a JSON array, one object per text found: format → written text.
function Writer(doc, opts)
  local token = pandoc.utils.stringify(doc.meta["registre-split"])
  local formats = {}
  for format in pandoc.utils.stringify(doc.meta["registre-formats"]):gmatch("[^,]+") do
    table.insert(formats, format)
  end
  local parts = {}
  local part = nil
  for _, block in ipairs(doc.blocks) do
    local text = block.t == "Para" and pandoc.utils.stringify(block) or ""
    local index = text:match("^" .. token .. "(%d+)$")
    if index and tonumber(index) == #parts then
      part = pandoc.Blocks({})
      table.insert(parts, part)
    elseif part then
      part:insert(block)
    end
  end
  local out = {}
  for _, blocks in ipairs(parts) do
    local one = pandoc.Pandoc(blocks)
    local written = {}
    for _, format in ipairs(formats) do
      written[format] = pandoc.write(one, format, opts)
    end
    table.insert(out, written)
  end
  return pandoc.json.encode(out)
end

-- Write each text of a batch on its own. The texts are joined with marker paragraphs (the
-- token is the metadata value "registre-split", followed by the text's index); each part is
-- written separately, so that its footnotes stay with it and are numbered from 1, then the
-- parts are put back between their markers, written verbatim. Runs after safe.lua.
function Pandoc(doc)
  local token = pandoc.utils.stringify(doc.meta["registre-split"] or "")
  if token == "" then
    return nil
  end
  local out = {}
  local part = nil
  local function flush()
    if part then
      local text = pandoc.write(pandoc.Pandoc(part), FORMAT, PANDOC_WRITER_OPTIONS)
      table.insert(out, pandoc.RawBlock(FORMAT, text))
    end
  end
  for _, block in ipairs(doc.blocks) do
    local text = block.t == "Para" and pandoc.utils.stringify(block) or ""
    if text:match("^" .. token .. "%d+$") then
      flush()
      table.insert(out, pandoc.RawBlock(FORMAT, text))
      part = {}
    elseif part then
      table.insert(part, block)
    end
  end
  flush()
  return pandoc.Pandoc(out, doc.meta)
end

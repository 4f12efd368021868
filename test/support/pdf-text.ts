import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * The text of a PDF as a reader's copy-paste would give it (pdf.js, Mozilla's PDF reader), all
 * pages, whitespace removed (a letter-spaced title comes out one character at a time), and the
 * names of its fonts with whether each is embedded.
 */
export async function pdfText(pdf: Buffer): Promise<{ text: string; pages: number; fonts: { name: string; embedded: boolean }[] }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  let text = '';
  const fonts = new Map<string, boolean>();
  for (let i = 1; i <= doc.numPages; i += 1) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    for (const item of content.items) if ('str' in item) text += item.str;
    await page.getOperatorList();
    for (const [key, value] of Object.entries(content.styles)) fonts.set(key, Boolean(value));
    const objs = (page as unknown as { commonObjs: { _objs?: Map<string, { data?: { name?: string; missingFile?: boolean } }> } }).commonObjs;
    for (const [, o] of objs._objs ?? []) if (o?.data?.name) fonts.set(o.data.name, !o.data.missingFile);
  }
  await doc.destroy();
  return {
    text: text.replace(/\s+/g, ''),
    pages: doc.numPages,
    fonts: [...fonts].filter(([n]) => !n.startsWith('g_')).map(([name, embedded]) => ({ name, embedded })),
  };
}

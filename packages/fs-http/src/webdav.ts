import { XMLParser } from 'fast-xml-parser';

/** The properties deepstore asks a WebDAV server for. */
export const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:getetag/></D:prop></D:propfind>';

export interface DavEntry {
  /** The entry's URL, absolute, as the server named it. */
  url: URL;
  isDirectory: boolean;
  length: number;
  lastModified: number;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'response' || name === 'propstat',
});

/** Parses a 207 Multi-Status answer to PROPFIND into entries (properties from the 2xx propstat only). */
export function parseMultistatus(xml: string, base: URL): DavEntry[] {
  const doc = parser.parse(xml) as { multistatus?: { response?: Array<Record<string, unknown>> } };
  const out: DavEntry[] = [];
  for (const r of doc.multistatus?.response ?? []) {
    const href = typeof r.href === 'string' ? r.href.trim() : undefined;
    if (!href) continue;
    let props: Record<string, unknown> = {};
    for (const ps of (r.propstat as Array<Record<string, unknown>> | undefined) ?? []) {
      const status = String(ps.status ?? '');
      if (/\s2\d\d\s/.test(`${status} `) && ps.prop && typeof ps.prop === 'object') props = { ...props, ...(ps.prop as Record<string, unknown>) };
    }
    const type = props.resourcetype;
    const isDirectory = typeof type === 'object' && type !== null && 'collection' in type;
    const modified = typeof props.getlastmodified === 'string' ? Date.parse(props.getlastmodified) : NaN;
    out.push({
      url: new URL(href, base),
      isDirectory,
      length: isDirectory ? 0 : Number(props.getcontentlength ?? 0) || 0,
      lastModified: Number.isFinite(modified) ? modified : 0,
    });
  }
  return out;
}

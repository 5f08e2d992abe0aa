import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';

/** A PNG of `width` × `height`: two colour bands, so a crop or a resize shows. */
export async function pngOf(width: number, height: number, hue = 210): Promise<Buffer> {
  const band = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <rect width="100%" height="100%" fill="hsl(${hue} 70% 55%)"/>
      <rect width="50%" height="100%" fill="hsl(${(hue + 120) % 360} 70% 60%)"/>
    </svg>`,
  );
  return sharp(band).png().toBuffer();
}

/** A small, valid PDF (one empty page). */
export function samplePdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
      '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  );
}

/** Pastes a file into the composer, as a screenshot pasted from the clipboard arrives. */
export async function pasteFile(page: Page, bytes: Buffer, type: string, name = 'image.png'): Promise<void> {
  await page.getByLabel(/^Message /).focus();
  await page.evaluate(
    ({ base64, type, name }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      const field = document.getElementById('composer-text')!;
      field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    },
    { base64: bytes.toString('base64'), type, name },
  );
}

/**
 * Drags a file over the room and drops it, as from a file manager: `bytes`, or `bytes`
 * zero bytes made in the page (a large file, without carrying it over the protocol).
 */
export async function dropFile(page: Page, bytes: Buffer | number, type: string, name: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ base64, size, type, name }) => {
      const data = base64 === null ? new Uint8Array(size) : Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type }));
      return dt;
    },
    {
      base64: typeof bytes === 'number' ? null : bytes.toString('base64'),
      size: typeof bytes === 'number' ? bytes : 0,
      type,
      name,
    },
  );
  const room = page.locator('main.room');
  await room.dispatchEvent('dragenter', { dataTransfer: transfer });
  await room.dispatchEvent('dragover', { dataTransfer: transfer });
  await room.dispatchEvent('drop', { dataTransfer: transfer });
}

/**
 * Uploads a file to a room as the context's user (its session token as a Bearer token)
 * and returns its id, for seeding a room with attachments quickly.
 */
export async function uploadAs(
  context: BrowserContext,
  baseUrl: string,
  roomId: string,
  file: { bytes: Buffer; name: string; type: string },
): Promise<string> {
  const session = (await context.cookies()).find((c) => c.name === 'parley_session');
  if (!session) throw new Error('this browser context is not signed in');
  const body = new FormData();
  body.append(
    'operations',
    JSON.stringify({
      query: 'mutation($r: ID!, $f: File!) { uploadFile(roomId: $r, file: $f) { id } }',
      variables: { r: roomId, f: null },
    }),
  );
  body.append('map', JSON.stringify({ 0: ['variables.f'] }));
  body.append('0', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${decodeURIComponent(session.value)}` },
    body,
  });
  const result = (await response.json()) as { data?: { uploadFile: { id: string } }; errors?: unknown };
  if (!result.data) throw new Error(`upload failed: ${JSON.stringify(result.errors)}`);
  return result.data.uploadFile.id;
}

/** A mock-up of a phone screen, for screenshots: something a team would share. */
export function mockupPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="600">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#dbe4ff"/><stop offset="1" stop-color="#f3d9fa"/></linearGradient></defs>
    <rect width="960" height="600" fill="url(#g)"/>
    <rect x="330" y="40" width="300" height="520" rx="36" fill="#ffffff" stroke="#c5cae9" stroke-width="4"/>
    <circle cx="480" cy="170" r="54" fill="#5c7cfa"/>
    <rect x="380" y="250" width="200" height="18" rx="9" fill="#343a40"/>
    <rect x="365" y="284" width="230" height="12" rx="6" fill="#adb5bd"/>
    <rect x="385" y="306" width="190" height="12" rx="6" fill="#adb5bd"/>
    <circle cx="456" cy="360" r="7" fill="#5c7cfa"/><circle cx="480" cy="360" r="7" fill="#ced4da"/>
    <circle cx="504" cy="360" r="7" fill="#ced4da"/>
    <rect x="370" y="470" width="220" height="48" rx="24" fill="#5c7cfa"/>
    <rect x="430" y="488" width="100" height="12" rx="6" fill="#ffffff"/>
    <rect x="60" y="120" width="210" height="140" rx="16" fill="#ffffff" opacity="0.7"/>
    <rect x="690" y="340" width="210" height="140" rx="16" fill="#ffffff" opacity="0.7"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Driving the web UI's "Share from this computer" picker (src-renderer/features/transfers/path-picker.tsx). */
import { expect, type Locator, type Page } from '@playwright/test';

/** Opens "Add files" (the host's folders) and walks to `folder`, waiting for each listing. */
export async function browseTo(page: Page, folder: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Add files' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share from this computer' });
  const shownPath = dialog.getByTestId('picker-path');
  await expect(shownPath).not.toHaveText('…');
  while ((await shownPath.textContent()) !== '/') {
    const before = await shownPath.textContent();
    await dialog.getByRole('button', { name: 'Up one folder' }).click();
    await expect(shownPath).not.toHaveText(before ?? '');
  }
  for (const part of folder.split('/').filter(Boolean)) {
    await dialog.getByRole('button', { name: `Open ${part}`, exact: true }).click();
    await expect(shownPath).toHaveText(new RegExp(`/${part}$`));
  }
  return dialog;
}

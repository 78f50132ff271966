// Without JavaScript: the pages are plain HTML forms and links, so an admin can sign in, add an
// organisation and sign out with scripts turned off in the browser.
//
// No axe here: axe-core runs inside the page and needs its scripts (its timers never fire with
// JavaScript off), so checkPage() skips it for a context launched with javaScriptEnabled: false.
// The same pages are checked with axe, with JavaScript on, by the other files. The other checks
// of follow() and visit() (status < 500, no failed sub-resource, no CSP violation) still run.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import {
  follow,
  launchBrowser,
  mainText,
  page as firstPage,
  scenario,
  signIn,
  signOut,
  startServer,
  visit,
  where,
} from './harness.mjs';
import { demo, paths, text, ui } from './selectors.mjs';

let server;
before(async () => {
  server = await startServer('nojs');
});
after(async () => {
  await server?.stop();
});

scenario('with JavaScript off, an admin signs in, adds an organisation and signs out', async () => {
  const context = await launchBrowser({ javaScriptEnabled: false });
  try {
    const page = await firstPage(context);

    // Scripts really are off: a script in the page does not run.
    await visit(page, paths.home);
    await page.setContent('<script>document.title = "scripts ran"</script>');
    assert.notEqual(await page.title(), 'scripts ran', 'JavaScript should be off in this context');

    // Sign in with the form (signIn() fills it and presses the button).
    await signIn(page, demo.admin.email, demo.admin.password);
    assert.equal(where(page), paths.partnership);
    const header = await ui.header(page).innerText();
    assert.match(header, new RegExp(`${text.signedInAs}\\s+${demo.admin.name}`));

    // Add an organisation: the list's link, the form, a radio chosen by its label.
    await visit(page, paths.organisations);
    await follow(page, ui.organisations.addLink(page));
    assert.equal(where(page), paths.newOrganisation);
    const name = 'Northmoor Walking Group';
    await ui.organisationForm.name(page).fill(name);
    await ui.organisationForm.sectorLabel(page, 'Community').click();
    assert.ok(await ui.organisationForm.sector(page, 'Community').isChecked(), '"Community" chosen');
    const saved = await follow(page, ui.organisationForm.submit(page));
    assert.ok(saved.chain.some((r) => r.status === 303), `save: ${JSON.stringify(saved.chain)}`);
    assert.equal(saved.status, 200);
    assert.match(where(page), new RegExp(`^${paths.organisations}/\\d+$`), 'on its own page');
    assert.equal((await ui.h1(page).innerText()).trim(), name);
    assert.match(await mainText(page), /Sector Community/);

    // It is in the list.
    await visit(page, paths.organisations);
    assert.ok((await ui.organisations.table(page).innerText()).includes(name), 'listed');

    // Sign out with the header's button.
    await signOut(page);
    assert.equal(await ui.signedInAs(page).count(), 0);
  } finally {
    await context.close();
  }
});

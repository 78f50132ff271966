// Adding organisations: a bad charity number is refused with nothing lost and nothing saved;
// a name full of markup and SQL is stored and shown back as plain text.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import {
  follow,
  launchBrowser,
  mainText,
  page as firstPage,
  scenario,
  signIn,
  startServer,
  visit,
  where,
} from './harness.mjs';
import { demo, paths, text, ui } from './selectors.mjs';

let server;
before(async () => {
  server = await startServer('organisations');
});
after(async () => {
  await server?.stop();
});

const form = ui.organisationForm;

async function fillOrganisation(page, org) {
  await form.name(page).fill(org.name);
  await form.sectorLabel(page, org.sector).click();
  assert.ok(await form.sector(page, org.sector).isChecked(), `sector "${org.sector}" chosen`);
  await form.locality(page).selectOption({ label: org.locality });
  await form.charityNumber(page).fill(org.charityNumber ?? '');
  await form.website(page).fill(org.website ?? '');
}

/** Opens the list, follows "Add an organisation", fills the form and saves it. */
async function addOrganisation(page, org) {
  await visit(page, paths.organisations);
  const add = ui.organisations.addLink(page);
  assert.equal(await add.getAttribute('href'), paths.newOrganisation);
  await follow(page, add);
  assert.equal(where(page), paths.newOrganisation);
  await fillOrganisation(page, org);
  return follow(page, form.submit(page));
}

/** Asserts the save redirected (303) to the organisation's own page, which shows its name. */
async function assertSavedAndShown(page, nav, name) {
  assert.ok(nav.chain.some((r) => r.status === 303), `save: ${JSON.stringify(nav.chain)}`);
  assert.equal(nav.status, 200);
  const at = new URL(page.url()).pathname;
  assert.ok(
    at.startsWith(`${paths.organisations}/`) && at !== paths.newOrganisation,
    `after saving, on the organisation's page, not ${at}`,
  );
  assert.ok((await mainText(page)).includes(name), `the organisation page shows "${name}"`);
}

async function listText(page) {
  await visit(page, paths.organisations);
  return (await ui.organisations.table(page).innerText()).replace(/\s+/g, ' ');
}

scenario('the organisation list is a table of the demo organisations', async () => {
  const context = await launchBrowser();
  try {
    const page = await firstPage(context);
    await signIn(page, demo.admin.email, demo.admin.password);
    const list = await listText(page);
    assert.ok(list.includes(demo.organisation), `the list shows ${demo.organisation}`);
    await visit(page, paths.directory);
    await ui.directory.table(page).waitFor();
  } finally {
    await context.close();
  }
});

scenario('a bad charity number is refused (422, values kept, nothing saved); a good one is saved', async () => {
  const context = await launchBrowser();
  try {
    const page = await firstPage(context);
    await signIn(page, demo.admin.email, demo.admin.password);
    const org = {
      name: 'Eastfield Befriending Network',
      sector: 'Third sector',
      locality: demo.locality,
      charityNumber: '12345',
      website: 'https://befriending.example.org/',
    };

    const bad = await addOrganisation(page, org);
    assert.equal(bad.status, 422, `bad charity number: ${JSON.stringify(bad.chain)}`);
    const summary = ui.errorSummary(page);
    await summary.waitFor();
    const summaryText = await summary.innerText();
    assert.match(summaryText, new RegExp(text.errorSummaryTitle));
    assert.ok(summaryText.includes(text.badCharityNumber), `summary says: ${summaryText}`);
    // Every link in the summary leads to a field on the page.
    for (const href of await summary.locator('a[href^="#"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      assert.equal(await page.locator(href).count(), 1, `error summary link ${href} has a target`);
    }
    // What was typed is kept.
    assert.equal(await form.name(page).inputValue(), org.name);
    assert.ok(await form.sector(page, org.sector).isChecked(), 'sector kept');
    const locality = await form.locality(page).evaluate((s) => s.selectedOptions[0]?.textContent.trim());
    assert.equal(locality, org.locality, 'locality kept');
    assert.equal(await form.charityNumber(page).inputValue(), org.charityNumber);
    assert.equal(await form.website(page).inputValue(), org.website);
    // Nothing was saved.
    assert.ok(!(await listText(page)).includes(org.name), 'the refused organisation is not listed');

    // The same organisation with a good number.
    const good = await addOrganisation(page, { ...org, charityNumber: 'SC012345' });
    await assertSavedAndShown(page, good, org.name);
    assert.ok((await listText(page)).includes(org.name), 'the saved organisation is listed');
  } finally {
    await context.close();
  }
});

scenario('a name with markup, quotes and SQL is shown back literally and runs nothing', async () => {
  const context = await launchBrowser();
  try {
    const page = await firstPage(context);
    const dialogs = [];
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    await signIn(page, demo.admin.email, demo.admin.password);
    const name = `<script>alert(1)</script> O'Brien "Quotes" & Co; DROP TABLE organisations;--`;

    const saved = await addOrganisation(page, { name, sector: 'Community', locality: demo.locality });
    await assertSavedAndShown(page, saved, name);
    assert.equal(
      await page.locator('script').filter({ hasText: 'alert(1)' }).count(),
      0,
      'no <script> element made from the name',
    );

    const list = await listText(page);
    assert.ok(list.includes(name), 'the list shows the name literally');
    assert.ok(list.includes(demo.organisation), 'the other organisations are still there');
    assert.deepEqual(dialogs, [], 'no dialog was opened');
  } finally {
    await context.close();
  }
});

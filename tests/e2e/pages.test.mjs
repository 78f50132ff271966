// The rest of the app's pages, each reached and checked with axe (through visit() and follow()):
// password reset through the emailed link, an admin's page for a person (details, role,
// representations), localities, an organisation's page with edit and archive, and the audit log.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import {
  BIN,
  ROOT,
  checkAxe,
  follow,
  launchBrowser,
  mainText,
  page as firstPage,
  scenario,
  signIn,
  signOut,
  startServer,
  submitSignIn,
  visit,
  visited,
  where,
} from './harness.mjs';
import { demo, paths, text, ui } from './selectors.mjs';

let server;
before(async () => {
  server = await startServer('pages');
});
after(async () => {
  await server?.stop();
});

async function withBrowser(fn) {
  const context = await launchBrowser();
  try {
    await fn(await firstPage(context));
  } finally {
    await context.close();
  }
}

/** The messages waiting to be sent, newest first, as `coproduce admin outbox` prints them. */
async function outbox(limit = 1) {
  const { stdout } = await promisify(execFile)(
    BIN,
    ['admin', '--data', server.dataDir, 'outbox', '--limit', String(limit)],
    { cwd: ROOT, timeout: 15_000 },
  );
  return stdout;
}

/** Asserts the page shows the error summary and that it mentions `message`. */
async function assertErrorSummary(page, message, what) {
  const summary = ui.errorSummary(page);
  await summary.waitFor();
  const said = await summary.innerText();
  assert.match(said, new RegExp(text.errorSummaryTitle), `${what}: error summary title`);
  assert.ok(said.includes(message), `${what}: the error summary should say "${message}": ${said}`);
  // Every link in the summary leads to a field on the page.
  const hrefs = await summary
    .locator('a[href^="#"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs) {
    assert.equal(await page.locator(href).count(), 1, `${what}: summary link ${href} has a target`);
  }
}

const h1 = async (page) => (await ui.h1(page).innerText()).trim();
const squash = (s) => s.replace(/\s+/g, ' ').trim();

/** The text of each row of a table locator, whitespace collapsed. */
async function rows(table) {
  return (await table.locator('tbody tr').allInnerTexts()).map(squash);
}

/** Whether one of the rows holds every one of the texts. */
const hasRow = (rowTexts, ...texts) => rowTexts.some((r) => texts.every((t) => r.includes(t)));

/** The text of the option chosen in a <select>. */
const chosen = (select) => select.evaluate((s) => s.selectedOptions[0]?.textContent.trim());

scenario('password reset: the emailed link sets a new password once, then is gone (410)', () =>
  withBrowser(async (page) => {
    const newPassword = 'a brand new password for sam 2026';

    await visit(page, paths.signIn);
    await follow(page, ui.forgotForm.link(page));
    assert.equal(where(page), paths.forgotPassword);
    assert.equal(await h1(page), text.resetYourPassword);

    // No address: 422 and an error summary.
    const empty = await follow(page, ui.forgotForm.submit(page));
    assert.equal(empty.status, 422, `no email address: ${JSON.stringify(empty.chain)}`);
    await assertErrorSummary(page, text.enterEmail, 'no email address');

    await ui.forgotForm.email(page).fill(demo.member.email);
    const sent = await follow(page, ui.forgotForm.submit(page));
    assert.equal(sent.status, 200, JSON.stringify(sent.chain));
    assert.equal(await h1(page), text.checkYourEmail);
    assert.ok((await mainText(page)).includes(demo.member.email), 'the page names the address');
    // Same URL and status as the form, so visit() did not run axe on this page: do it here.
    await checkAxe(page, `${paths.forgotPassword} (Check your email)`);

    // The reset link, from the message queued for Sam.
    const message = await outbox(1);
    assert.match(message, new RegExp(`To: ${demo.member.email}`), `outbox:\n${message}`);
    const token = message.match(paths.resetPattern)?.[1];
    assert.ok(token, `no /password/reset/<token> in the outbox:\n${message}`);
    const resetPath = paths.resetPassword(token);

    const opened = await visit(page, resetPath);
    assert.equal(opened.status(), 200);
    assert.equal(await h1(page), text.chooseNewPassword);

    // Passwords that differ: 422, an error summary, not signed in.
    await ui.resetForm.password(page).fill(newPassword);
    await ui.resetForm.confirm(page).fill(`${newPassword}!`);
    const mismatch = await follow(page, ui.resetForm.submit(page));
    assert.equal(mismatch.status, 422, `mismatched passwords: ${JSON.stringify(mismatch.chain)}`);
    await assertErrorSummary(page, text.passwordsDiffer, 'mismatched passwords');
    assert.equal(await ui.signedInAs(page).count(), 0, 'not signed in after a mismatch');

    // Matching: saved, and signed in as Sam.
    await ui.resetForm.password(page).fill(newPassword);
    await ui.resetForm.confirm(page).fill(newPassword);
    const saved = await follow(page, ui.resetForm.submit(page));
    assert.ok(saved.chain.some((r) => r.status === 303), JSON.stringify(saved.chain));
    assert.equal(saved.status, 200);
    assert.equal(where(page), paths.partnership);
    assert.match(
      await ui.header(page).innerText(),
      new RegExp(`${text.signedInAs}\\s+${demo.member.name}`),
      'signed in as Sam after the reset',
    );

    // The old password no longer works; the new one does.
    await signOut(page);
    const old = await submitSignIn(page, demo.member.email, demo.member.password);
    assert.equal(old.status, 401, `old password after the reset: ${JSON.stringify(old.chain)}`);
    await signIn(page, demo.member.email, newPassword);
    await signOut(page);

    // The link worked once.
    const used = await visit(page, resetPath);
    assert.equal(used.status(), 410, 'a used reset link');
    assert.equal(await h1(page), text.resetGone);
    assert.equal(await ui.resetForm.submit(page).count(), 0, 'no form on a used link');
    const unknown = await visit(page, paths.resetPassword('no-such-token-123456'));
    assert.equal(unknown.status(), 410, 'an unknown reset link');
    assert.equal(await h1(page), text.resetGone);
  }));

scenario("an admin adds an organisation a person represents; a bad date is refused (422)", () =>
  withBrowser(async (page) => {
    const person = ui.person;
    await signIn(page, demo.admin.email, demo.admin.password);
    await visit(page, paths.people);
    await follow(page, ui.main(page).getByRole('link', { name: demo.member.name, exact: true }));
    const personPath = new URL(page.url()).pathname;
    assert.match(personPath, new RegExp(`^${paths.people}/\\d+$`), `person page: ${personPath}`);
    assert.equal(await h1(page), demo.member.name);

    // The admin's forms.
    for (const heading of [text.changeTheirDetails, text.addRepresentation, text.archivePerson]) {
      assert.equal(await person.heading(page, heading).count(), 1, `h2 "${heading}"`);
    }
    assert.equal(await person.fullName(page).inputValue(), demo.member.name, 'Full name filled in');
    assert.equal(await chosen(person.role(page)), 'Member');
    await person.saveChanges(page).waitFor();
    const options = (await person.organisation(page).locator('option').allInnerTexts()).map(squash);
    assert.ok(options.includes('Riverside Food Share'), `Organisation options: ${options}`);
    await person.repRole(page).waitFor();
    await person.startsOn(page).waitFor();
    await person.endsOn(page).waitFor();
    await person.add(page).waitFor();
    assert.equal(await person.archive(page).count(), 1, 'an "Archive …" button');

    // A start date that does not exist.
    await person.organisation(page).selectOption({ label: 'Riverside Food Share' });
    await person.repRole(page).fill('Trustee');
    await person.startsOn(page).fill('2026-02-30');
    const bad = await follow(page, person.add(page));
    assert.equal(bad.status, 422, `start date 2026-02-30: ${JSON.stringify(bad.chain)}`);
    await assertErrorSummary(page, text.badStartDate, 'bad start date');
    assert.equal(await h1(page), demo.member.name, 'still the person page');
    // What was typed is kept.
    assert.equal(await chosen(person.organisation(page)), 'Riverside Food Share');
    assert.equal(await person.repRole(page).inputValue(), 'Trustee');
    assert.equal(await person.startsOn(page).inputValue(), '2026-02-30');

    // A good date: saved, back on the person page, listed.
    await person.startsOn(page).fill('2026-04-01');
    const good = await follow(page, person.add(page));
    assert.ok(good.chain.some((r) => r.status === 303), JSON.stringify(good.chain));
    assert.equal(where(page), personPath);
    const listed = await rows(person.representations(page));
    assert.ok(
      hasRow(listed, 'Riverside Food Share', 'Trustee', 'From 2026-04-01'),
      `the person's organisations: ${JSON.stringify(listed)}`,
    );

    // The directory lists it too.
    await visit(page, paths.directory);
    const directory = await rows(ui.directory.table(page));
    const sams = directory.filter((r) => r.includes(demo.member.name));
    assert.ok(
      hasRow(sams, 'Riverside Food Share', 'Trustee'),
      `directory rows for ${demo.member.name}: ${JSON.stringify(sams)}`,
    );
  }));

scenario("an admin makes a member a Facilitator; the people list and audit log show it", () =>
  withBrowser(async (page) => {
    const name = 'Sam Ahmed'; // a demo member whose name nobody else has (some names repeat)
    await signIn(page, demo.admin.email, demo.admin.password);
    await visit(page, paths.people);
    const rowOf = () => ui.peopleTable(page).locator('tbody tr').filter({
      has: page.getByRole('link', { name, exact: true }),
    });
    assert.equal(await rowOf().count(), 1, `one "${name}" among the demo people`);
    assert.match(squash(await rowOf().innerText()), /Member$/, `${name} starts as a member`);
    await follow(page, rowOf().getByRole('link', { name, exact: true }));
    const id = new URL(page.url()).pathname.split('/').at(-1);

    // An empty name is refused (422), and nothing changes.
    await ui.person.fullName(page).fill('  ');
    await ui.person.role(page).selectOption({ label: 'Facilitator' });
    const refused = await follow(page, ui.person.saveChanges(page));
    assert.equal(refused.status, 422, `empty full name: ${JSON.stringify(refused.chain)}`);
    await assertErrorSummary(page, text.enterFullName, 'empty full name');
    assert.equal(await chosen(ui.person.role(page)), 'Facilitator', 'the chosen role is kept');
    assert.match(await mainText(page), /Role in .*: Member/, 'the role has not changed yet');

    await ui.person.fullName(page).fill(name);
    await ui.person.role(page).selectOption({ label: 'Facilitator' });
    const saved = await follow(page, ui.person.saveChanges(page));
    assert.ok(saved.chain.some((r) => r.status === 303), JSON.stringify(saved.chain));
    assert.equal(where(page), paths.person(id));
    assert.match(await mainText(page), /Role in .*: Facilitator/);

    await visit(page, paths.people);
    assert.match(squash(await rowOf().innerText()), /Facilitator$/, `${name} is now a facilitator`);

    await visit(page, paths.audit);
    const audit = await rows(ui.audit.table(page));
    assert.ok(
      hasRow(audit, demo.admin.name, `update person ${id}`, 'facilitator'),
      `audit rows: ${JSON.stringify(audit.slice(0, 5))}`,
    );
  }));

scenario('localities: an admin adds one; an empty name is refused (422)', () =>
  withBrowser(async (page) => {
    await signIn(page, demo.admin.email, demo.admin.password);
    const res = await visit(page, paths.localities);
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), text.localities);
    await ui.localities.item(page, demo.locality).waitFor();

    await ui.localities.name(page).fill('Southbank');
    const added = await follow(page, ui.localities.submit(page));
    assert.ok(added.chain.some((r) => r.status === 303), JSON.stringify(added.chain));
    assert.equal(where(page), paths.localities);
    assert.equal(await ui.localities.item(page, 'Southbank').count(), 1, 'Southbank listed');
    assert.equal(await ui.localities.name(page).inputValue(), '', 'the field is empty again');

    const empty = await follow(page, ui.localities.submit(page));
    assert.equal(empty.status, 422, `empty name: ${JSON.stringify(empty.chain)}`);
    await assertErrorSummary(page, text.enterLocalityName, 'empty locality name');

    // The partnership's home page lists it.
    await visit(page, paths.partnership);
    assert.ok((await mainText(page)).includes('Southbank'), 'Southbank on the partnership page');
  }));

scenario('an organisation: view, edit (a bad website is refused), archive; all in the audit log', () =>
  withBrowser(async (page) => {
    const org = ui.organisationPage;
    await signIn(page, demo.admin.email, demo.admin.password);

    // View.
    await visit(page, paths.organisations);
    const table = ui.organisations.table;
    await follow(page, table(page).getByRole('link', { name: demo.organisation, exact: true }));
    const orgPath = new URL(page.url()).pathname;
    const id = orgPath.split('/').at(-1);
    assert.equal(orgPath, paths.organisation(id));
    assert.equal(await h1(page), demo.organisation);
    assert.equal(squash(await org.value(page, 'Sector').innerText()), 'Third sector');
    assert.equal(squash(await org.value(page, 'Locality').innerText()), demo.locality);

    // Edit: a bad website, then a good one.
    await follow(page, org.editLink(page));
    assert.equal(where(page), `${orgPath}/edit`);
    assert.equal(await h1(page), text.editOrganisation);
    assert.equal(await ui.organisationForm.name(page).inputValue(), demo.organisation, 'Name');
    await ui.organisationForm.website(page).fill('not a website');
    const bad = await follow(page, ui.organisationForm.submit(page));
    assert.equal(bad.status, 422, `bad website: ${JSON.stringify(bad.chain)}`);
    await assertErrorSummary(page, text.badWebsite, 'bad website');
    assert.equal(await ui.organisationForm.website(page).inputValue(), 'not a website', 'value kept');

    await ui.organisationForm.website(page).fill('https://eastfield.example.org');
    const good = await follow(page, ui.organisationForm.submit(page));
    assert.ok(good.chain.some((r) => r.status === 303), JSON.stringify(good.chain));
    assert.equal(where(page), orgPath);
    const link = org.value(page, 'Website').getByRole('link');
    assert.equal(await link.getAttribute('href'), 'https://eastfield.example.org');
    assert.equal((await link.innerText()).trim(), 'https://eastfield.example.org');

    // Create a short-lived organisation, then archive it.
    await visit(page, paths.organisations);
    await follow(page, ui.organisations.addLink(page));
    await ui.organisationForm.name(page).fill('Temporary Group');
    await ui.organisationForm.sectorLabel(page, 'Community').click();
    const created = await follow(page, ui.organisationForm.submit(page));
    assert.ok(created.chain.some((r) => r.status === 303), JSON.stringify(created.chain));
    assert.equal(await h1(page), 'Temporary Group');
    const tempId = new URL(page.url()).pathname.split('/').at(-1);

    const archived = await follow(page, org.archiveButton(page));
    assert.ok(archived.chain.some((r) => r.status === 303), JSON.stringify(archived.chain));
    assert.equal(where(page), paths.organisations);
    const current = await rows(table(page));
    assert.ok(!hasRow(current, 'Temporary Group'), 'an archived organisation is not listed');
    assert.ok(current.some((r) => r.includes(demo.organisation)), 'the others still are');

    await follow(page, ui.showArchivedLink(page));
    assert.equal(where(page), paths.archivedOrganisations);
    // Same path and status as the list, so visit() did not run axe on this page: do it here.
    await checkAxe(page, `${paths.archivedOrganisations}`);
    const all = await rows(table(page));
    assert.ok(
      all.some((r) => r.includes(`Temporary Group ${text.archivedSuffix}`)),
      `with archived: ${JSON.stringify(all.filter((r) => r.includes('Temporary')))}`,
    );
    // Its page says so and offers no edit or archive.
    await follow(page, table(page).getByRole('link', { name: 'Temporary Group', exact: true }));
    assert.match(await mainText(page), /Archived/);
    assert.equal(await org.editLink(page).count(), 0, 'no "Edit" on an archived organisation');
    assert.equal(await org.archiveButton(page).count(), 0, 'no "Archive" when archived');

    // The audit log shows both changes, by the admin.
    const audit = await visit(page, paths.audit);
    assert.equal(audit.status(), 200);
    assert.equal(await h1(page), text.auditLog);
    const log = await rows(ui.audit.table(page));
    const newest = JSON.stringify(log.slice(0, 6));
    assert.ok(
      hasRow(log, demo.admin.name, `update organisation ${id}`, 'https://eastfield.example.org'),
      `audit: no "update organisation ${id}" with the new website: ${newest}`,
    );
    assert.ok(
      hasRow(log, demo.admin.name, `create organisation ${tempId}`, 'Temporary Group'),
      `audit: no "create organisation ${tempId}": ${newest}`,
    );
    assert.ok(
      hasRow(log, demo.admin.name, `archive organisation ${tempId}`),
      `audit: no "archive organisation ${tempId}": ${newest}`,
    );
  }));

// ---- Regressions: two bugs these tests found, now fixed. ----

// Archiving the only admin is refused; the error summary's link must point at something.
scenario('archiving the only admin is refused; the error summary link has a target', () =>
  withBrowser(async (page) => {
    await signIn(page, demo.admin.email, demo.admin.password);
    await visit(page, paths.people);
    // Two people are called Alex Morgan in the demo: the admin is the one whose role is Admin.
    const adminRow = ui.peopleTable(page).locator('tbody tr').filter({ hasText: /Admin\s*$/ });
    assert.equal(await adminRow.count(), 1, 'one admin in the demo');
    await follow(page, adminRow.getByRole('link', { name: demo.admin.name, exact: true }));
    const personPath = new URL(page.url()).pathname;

    const refused = await follow(page, ui.person.archive(page));
    assert.equal(refused.status, 422, `archiving the only admin: ${JSON.stringify(refused.chain)}`);
    const summary = ui.errorSummary(page);
    await summary.waitFor();
    assert.match(await summary.innerText(), /Appoint another admin first/);
    const targets = await summary.locator('a[href^="#"]').evaluateAll((as) =>
      as.map((a) => {
        const target = document.getElementById(a.hash.slice(1));
        return `${a.getAttribute('href')} -> ${target?.tagName ?? 'nothing'}`;
      }),
    );
    assert.equal(await ui.signedInAs(page).count(), 1, 'still signed in');
    await visit(page, personPath);
    assert.equal(await h1(page), demo.admin.name, 'not archived');

    assert.ok(targets.length > 0, 'the error summary links to the problem');
    for (const t of targets) {
      assert.doesNotMatch(t, / -> nothing$/, `error summary link with no target on the page: ${t}`);
    }
  }));

// An edit form left open must not change an organisation archived since (404, nothing saved).
scenario('an edit form left open cannot change an organisation archived since', async () => {
  const context = await launchBrowser();
  try {
    const page = await firstPage(context);
    await signIn(page, demo.admin.email, demo.admin.password);
    await visit(page, paths.newOrganisation);
    await ui.organisationForm.name(page).fill('Stale Form Group');
    await ui.organisationForm.sectorLabel(page, 'Private').click();
    await follow(page, ui.organisationForm.submit(page));
    const orgPath = new URL(page.url()).pathname;

    // The edit form, open in a second tab.
    const stale = await context.newPage();
    await visit(stale, `${orgPath}/edit`);
    await ui.organisationForm.name(stale).fill('Stale Form Group renamed');

    // Meanwhile, the organisation is archived in the first tab.
    await visit(page, orgPath);
    await follow(page, ui.organisationPage.archiveButton(page));

    const nav = await follow(stale, ui.organisationForm.submit(stale));
    assert.ok(
      !nav.chain.some((r) => r.status === 303) && nav.status >= 400,
      `saving an archived organisation should be refused (404, like GET ${orgPath}/edit), ` +
        `it answered: ${JSON.stringify(nav.chain)}`,
    );
    await visit(page, orgPath);
    assert.equal(await h1(page), 'Stale Form Group', 'the archived organisation is unchanged');
  } finally {
    await context.close();
  }
});

scenario('every page reached in this file was checked with axe', () => {
  // visit() and follow() run axe once per distinct (path template, status); see harness.mjs.
  const pages = [...visited].join(', ');
  assert.ok(visited.size >= 12, `pages checked with axe (${visited.size}): ${pages}`);
});

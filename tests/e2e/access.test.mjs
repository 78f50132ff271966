// Who may see what: a member is refused the audit log (403) and admin-only forms; unknown URLs
// give the 404 page; the health check answers. Also walks the pages each role can reach, so
// that axe checks them (through visit()).
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
  visited,
} from './harness.mjs';
import { demo, paths, text, ui } from './selectors.mjs';

let server;
before(async () => {
  server = await startServer('access');
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

async function assertNotFound(page, path) {
  const res = await visit(page, path);
  assert.equal(res.status(), 404, `${path} should be 404`);
  assert.equal((await ui.h1(page).innerText()).trim(), text.pageNotFound, `${path}: 404 heading`);
}

scenario('GET /healthz answers 200 "ok"', async () => {
  const res = await fetch(`${server.baseURL}${paths.healthz}`);
  assert.equal(res.status, 200);
  assert.equal((await res.text()).trim(), 'ok');
});

scenario('unknown URLs give the "Page not found" page, signed out and in', () =>
  withBrowser(async (page) => {
    await assertNotFound(page, '/no-such-page');
    await assertNotFound(page, '/p/no-such-partnership');
    await signIn(page, demo.member.email, demo.member.password);
    await assertNotFound(page, `${paths.partnership}/no-such-page`);
  }));

scenario('a member gets 403 on the audit log and sees no admin links', () =>
  withBrowser(async (page) => {
    await signIn(page, demo.member.email, demo.member.password);

    const audit = await visit(page, paths.audit);
    assert.equal(audit.status(), 403, 'member on the audit log');
    assert.equal((await ui.h1(page).innerText()).trim(), text.noPermission);

    await visit(page, paths.people);
    assert.equal(await ui.people.inviteLink(page).count(), 0, 'no "Invite a person" for a member');
    const invite = await visit(page, paths.invite);
    assert.ok([403, 404].includes(invite.status()), `member on the invite form: ${invite.status()}`);
    assert.equal(await ui.inviteForm.submit(page).count(), 0, 'no invite form for a member');

    await visit(page, paths.organisations);
    await ui.organisations.table(page).waitFor();
    assert.equal(await ui.organisations.addLink(page).count(), 0, 'no "Add an organisation" for a member');
    const create = await visit(page, paths.newOrganisation);
    assert.ok([403, 404].includes(create.status()), `member on the new organisation form: ${create.status()}`);
    assert.equal(await ui.organisationForm.submit(page).count(), 0, 'no organisation form for a member');

    await visit(page, paths.directory);
    await ui.directory.table(page).waitFor();
    await visit(page, paths.partnership);
  }));

scenario('an admin can read the audit log and every page of the partnership', () =>
  withBrowser(async (page) => {
    await signIn(page, demo.admin.email, demo.admin.password);
    const audit = await visit(page, paths.audit);
    assert.equal(audit.status(), 200);
    for (const path of [paths.people, paths.invite, paths.organisations, paths.newOrganisation, paths.directory]) {
      const res = await visit(page, path);
      assert.equal(res.status(), 200, `admin on ${path}`);
    }
    assert.ok((await mainText(page)).length > 0);
  }));

scenario("the demo conversation's pages, for the public and for a facilitator", () =>
  withBrowser(async (page) => {
    const open = async () => {
      await visit(page, paths.forums);
      await follow(page, ui.forums.link(page, demo.forum));
      await follow(page, ui.conversations.link(page, demo.conversation));
    };
    await open();
    await follow(page, ui.conversations.mapLink(page));
    await ui.conversations.map(page).waitFor();
    await follow(page, ui.main(page).getByRole('link', { name: 'Read the report' }));
    await signIn(page, demo.facilitator.email, demo.facilitator.password);
    await open();
    await follow(page, ui.conversations.moderationLink(page));
    await visit(page, paths.forums);
    await follow(page, ui.forums.link(page, demo.forum));
    await follow(page, ui.conversations.startLink(page));
  }));

scenario('signed out, the public pages are reachable', () =>
  withBrowser(async (page) => {
    for (const path of [paths.home, paths.partnership, paths.signIn]) {
      const res = await visit(page, path);
      assert.equal(res.status(), 200, `public ${path}`);
    }
    // Every page these tests reached was checked with axe (see visit()).
    assert.ok(visited.size >= 10, `pages checked with axe: ${[...visited].join(', ')}`);
  }));

// An admin invites a new person; the person signs up through the link in a separate browser.
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
  server = await startServer('invite');
});
after(async () => {
  await server?.stop();
});

const newcomer = {
  name: "Niamh O'Connor-Bell",
  email: 'niamh.oconnor-bell@example.org',
  password: 'a long new password for coproduce 2026',
};

/** A used or unknown invitation: 404 "Page not found" or 410 with its own message. */
async function assertInvitationGone(page, response, what) {
  const status = response.status();
  const body = await mainText(page);
  if (status === 404) {
    assert.match(body, new RegExp(text.pageNotFound), `${what}: 404 page`);
  } else {
    assert.equal(status, 410, `${what}: expected 404 or 410`);
    assert.match(body, new RegExp(text.invitationGone), `${what}: 410 message`);
  }
  assert.equal(await ui.signUpForm.submit(page).count(), 0, `${what}: no sign-up form`);
}

scenario('an admin invites a person who then creates an account through the link', async () => {
  const admin = await launchBrowser();
  const guest = await launchBrowser();
  try {
    // --- The admin creates the invitation.
    const a = await firstPage(admin);
    await signIn(a, demo.admin.email, demo.admin.password);
    await visit(a, paths.people);
    const inviteLink = ui.people.inviteLink(a);
    assert.equal(await inviteLink.getAttribute('href'), paths.invite);
    await follow(a, inviteLink);
    assert.equal(where(a), paths.invite);

    await ui.inviteForm.fullName(a).fill(newcomer.name);
    await ui.inviteForm.email(a).fill(newcomer.email);
    const roleOptions = (await ui.inviteForm.role(a).locator('option').allInnerTexts()).map((s) =>
      s.trim(),
    );
    for (const role of text.roles) {
      assert.ok(roleOptions.includes(role), `Role has option "${role}": ${roleOptions}`);
    }
    await ui.inviteForm.role(a).selectOption({ label: 'Member' });
    const sent = await follow(a, ui.inviteForm.submit(a));
    assert.ok(sent.status === 200 || sent.status === 201, JSON.stringify(sent.chain));
    assert.equal((await ui.h1(a).innerText()).trim(), text.invitationCreated);

    const linkText = (await ui.inviteForm.link(a).innerText()).trim();
    const inviteURL = new URL(linkText, server.baseURL);
    assert.equal(inviteURL.origin, server.baseURL, `invite link ${linkText} is on this site`);
    assert.match(inviteURL.pathname, paths.invitePattern, `invite link: ${linkText}`);

    // --- The person opens the link in their own browser.
    const g = await firstPage(guest);
    const opened = await visit(g, inviteURL.pathname);
    assert.equal(opened.status(), 200);
    assert.equal((await ui.h1(g).innerText()).trim(), text.createYourAccount);
    assert.equal(await ui.signUpForm.fullName(g).inputValue(), newcomer.name, 'Full name prefilled');

    // Passwords that do not match: a 4xx with an error summary, and no account yet.
    await ui.signUpForm.password(g).fill(newcomer.password);
    await ui.signUpForm.confirm(g).fill(`${newcomer.password}!`);
    const mismatch = await follow(g, ui.signUpForm.submit(g));
    assert.ok(
      mismatch.status >= 400 && mismatch.status < 500,
      `mismatched passwords: ${JSON.stringify(mismatch.chain)}`,
    );
    await ui.errorSummary(g).waitFor();
    assert.equal(await ui.signedInAs(g).count(), 0, 'not signed in after a mismatch');

    // Matching passwords: account created, signed in, on the partnership's home.
    await ui.signUpForm.password(g).fill(newcomer.password);
    await ui.signUpForm.confirm(g).fill(newcomer.password);
    const created = await follow(g, ui.signUpForm.submit(g));
    assert.ok(created.chain.some((r) => r.status === 303), JSON.stringify(created.chain));
    assert.equal(where(g), paths.partnership);
    assert.match(
      await ui.header(g).innerText(),
      new RegExp(`${text.signedInAs}\\s+${newcomer.name}`),
      'header names the new person',
    );

    // The link works only once.
    await signOut(g);
    await assertInvitationGone(g, await visit(g, inviteURL.pathname), 'used invitation');
    const unknown = await visit(g, paths.inviteToken('no-such-token-123'));
    await assertInvitationGone(g, unknown, 'unknown invitation');

    // The new person can sign in again with their password.
    await signIn(g, newcomer.email, newcomer.password);
    await signOut(g);

    // The admin sees the person in the list.
    await visit(a, paths.people);
    assert.match(await mainText(a), new RegExp(newcomer.name));
  } finally {
    await guest.close();
    await admin.close();
  }
});

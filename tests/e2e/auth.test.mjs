// Signing in and out, wrong passwords, ?next=, rate limiting, and a keyboard-only sign-in.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import {
  follow,
  launchBrowser,
  mainText,
  navigate,
  page as firstPage,
  scenario,
  signIn,
  signOut,
  startServer,
  submitSignIn,
  visit,
  where,
} from './harness.mjs';
import { demo, paths, text, ui } from './selectors.mjs';

let server;
before(async () => {
  server = await startServer('auth');
});
after(async () => {
  await server?.stop();
});

/** Runs fn with a fresh browser profile and its first page. */
async function withBrowser(fn) {
  const context = await launchBrowser();
  try {
    await fn(await firstPage(context), context);
  } finally {
    await context.close();
  }
}

scenario('the home page lists the partnership and has the common layout', () =>
  withBrowser(async (page) => {
    await visit(page, paths.home);
    await assert.doesNotReject(
      ui.h1(page).filter({ hasText: text.siteName }).waitFor(),
      'h1 "coproduce" on /',
    );
    await ui.skipLink(page).waitFor();
    assert.equal(await ui.skipLink(page).getAttribute('href'), '#main-content');
    assert.equal(await page.locator('#main-content').count(), 1, 'one #main-content');
    assert.match(await ui.header(page).innerText(), new RegExp(text.siteName));
    assert.equal(await ui.footer(page).count(), 1, 'a footer (role contentinfo)');
    assert.match(
      (await ui.signInLink(page).getAttribute('href')) ?? '',
      /^\/sign-in(\?|$)/,
      'header link "Sign in" to /sign-in',
    );
    assert.equal(await ui.signOutButton(page).count(), 0, 'no "Sign out" when signed out');

    const link = ui.partnershipLink(page).first();
    assert.match(await link.innerText(), new RegExp(demo.partnership));
    await follow(page, link);
    assert.equal(where(page), paths.partnership);
    assert.equal((await ui.h1(page).innerText()).trim(), demo.partnership);
  }));

scenario('sign in and out: the header changes, a wrong password is refused', () =>
  withBrowser(async (page) => {
    await visit(page, paths.home);
    const toSignIn = await follow(page, ui.signInLink(page));
    assert.equal(toSignIn.status, 200);
    assert.equal(new URL(page.url()).pathname, paths.signIn);

    // Wrong password: 401 and an error summary; not signed in.
    const wrong = await submitSignIn(page, demo.admin.email, 'not-the-password');
    assert.equal(wrong.status, 401, `wrong password: ${JSON.stringify(wrong.chain)}`);
    const summary = ui.errorSummary(page);
    await summary.waitFor();
    assert.match(await summary.innerText(), new RegExp(text.wrongPassword));
    assert.equal(await ui.signedInAs(page).count(), 0, 'not signed in after a wrong password');
    assert.equal(await ui.signInForm.password(page).inputValue(), '', 'password not echoed');

    // Unknown account: the same message (no account enumeration).
    const unknown = await submitSignIn(page, 'nobody@example.org', 'whatever-it-is');
    assert.equal(unknown.status, 401);
    assert.match(await ui.errorSummary(page).innerText(), new RegExp(text.wrongPassword));

    // Right password: 303 to the partnership, header shows who is signed in.
    const ok = await signIn(page, demo.admin.email, demo.admin.password);
    assert.equal(where(page), paths.partnership, `after sign-in: ${JSON.stringify(ok.chain)}`);
    const header = await ui.header(page).innerText();
    assert.match(header, new RegExp(`${text.signedInAs}\\s+${demo.admin.name}`), 'Signed in as <full name>');
    assert.equal(await ui.signInLink(page).count(), 0, 'no "Sign in" link when signed in');
    await ui.signOutButton(page).waitFor();

    // The session survives a navigation.
    await visit(page, paths.home);
    await ui.signedInAs(page).waitFor();

    // Sign out: back to / with "Sign in" in the header.
    await signOut(page);
    assert.equal(await ui.signedInAs(page).count(), 0);
    await visit(page, paths.partnership);
    await ui.signInLink(page).waitFor();
  }));

scenario('sign-in goes to ?next= and never off the site', () =>
  withBrowser(async (page) => {
    await signIn(page, demo.admin.email, demo.admin.password, { next: paths.people });
    assert.equal(where(page), paths.people);
    await signOut(page);

    for (const next of ['https://evil.example.org/', '//evil.example.org/x', '/\\evil.example.org']) {
      const nav = await submitSignIn(page, demo.admin.email, demo.admin.password, { next });
      const redirect = nav.chain.find((r) => r.status === 303);
      assert.ok(redirect, `sign-in with next=${next}: ${JSON.stringify(nav.chain)}`);
      const target = new URL(redirect.location, server.baseURL);
      assert.equal(target.origin, server.baseURL, `next=${next} redirected to ${target.href}`);
      await visit(page, paths.home);
      await signOut(page);
    }
  }));

scenario('keyboard only: skip link, then sign in with Tab, typing and Enter', () =>
  withBrowser(async (page) => {
    await visit(page, paths.signIn);
    const active = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return {
          tag: el?.tagName.toLowerCase(),
          id: el?.id ?? '',
          text: (el?.textContent ?? '').trim().slice(0, 60),
          label: el?.labels?.[0]?.textContent.trim() ?? '',
          inMain: !!el?.closest('#main-content'),
          isMain: el?.id === 'main-content',
        };
      });
    assert.ok(['body', 'html'].includes((await active()).tag), 'focus starts on the page');

    await page.keyboard.press('Tab');
    const first = await active();
    assert.equal(first.tag, 'a', `first Tab should reach the skip link, got ${JSON.stringify(first)}`);
    assert.equal(first.text, text.skipLink);

    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main-content', null, {
      timeout: 2000,
    }).catch(() => {});
    const afterSkip = await active();
    assert.ok(afterSkip.isMain, `Enter on the skip link should focus #main-content, got ${JSON.stringify(afterSkip)}`);

    // Tab from main into the form, collecting what receives focus on the way.
    const tabUntil = async (pattern, max) => {
      const seen = [];
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        const a = await active();
        seen.push(a);
        assert.ok(a.inMain, `Tab left main: ${JSON.stringify(seen)}`);
        if (pattern.test(a.label)) return;
      }
      assert.fail(`no field labelled ${pattern} after ${max} Tab(s): ${JSON.stringify(seen)}`);
    };
    await tabUntil(/^\s*Email address/, 3);
    await page.keyboard.type(demo.member.email);
    await tabUntil(/^\s*Password/, 2);
    await page.keyboard.type(demo.member.password);

    const nav = await navigate(page, () => page.keyboard.press('Enter'));
    assert.ok(nav.chain.some((r) => r.status === 303), JSON.stringify(nav.chain));
    assert.equal(where(page), paths.partnership);
    assert.match(await ui.signedInAs(page).innerText(), new RegExp(demo.member.name));
  }));

scenario('five wrong passwords lock the account: 429 "Too many attempts"', () =>
  withBrowser(async (page) => {
    // The member account is used here so that the other tests can still sign in as admin.
    for (let i = 1; i <= 5; i++) {
      const nav = await submitSignIn(page, demo.member.email, `wrong-${i}`);
      assert.equal(nav.status, 401, `attempt ${i}: ${JSON.stringify(nav.chain)}`);
    }
    const sixth = await submitSignIn(page, demo.member.email, 'wrong-6');
    assert.equal(sixth.status, 429, `attempt 6: ${JSON.stringify(sixth.chain)}`);
    assert.match(await mainText(page), new RegExp(text.tooManyAttempts));

    // Even the right password is refused while the account is locked.
    const right = await submitSignIn(page, demo.member.email, demo.member.password);
    assert.equal(right.status, 429, `right password while locked: ${JSON.stringify(right.chain)}`);
    assert.equal(await ui.signedInAs(page).count(), 0, 'not signed in while locked');

    // Another account is not affected.
    await signIn(page, demo.admin.email, demo.admin.password);
  }));

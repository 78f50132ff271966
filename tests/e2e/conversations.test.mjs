// Conversations (opinion maps): a facilitator starts one with seed statements; a member answers
// one statement at a time with the keyboard shortcuts, and submits a statement that the
// facilitator accepts; the demo conversation's map and report are shown, name nobody and
// update live; and everything works with JavaScript off. Every page reached is checked with axe.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import {
  asPerson,
  follow,
  launchBrowser,
  mainText,
  navigate,
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
  server = await startServer('conversations');
});
after(async () => {
  await server?.stop();
});

const conversationPattern = new RegExp(`^${paths.partnership}/conversations/\\d+$`);

/** Opens the demo forum's page from the list of forums. */
async function openForum(page) {
  await visit(page, paths.forums);
  await follow(page, ui.forums.link(page, demo.forum));
}

/** Opens a conversation of the demo forum by its question; returns its path. */
async function openConversation(page, question) {
  await openForum(page);
  await follow(page, ui.conversations.link(page, question));
  assert.match(where(page), conversationPattern);
  return where(page);
}

const question = 'Where should the new minibus go first?';
const seeds = [
  'The minibus should serve the hill villages first',
  'The minibus should take people to the day centre',
  'The minibus should run at weekends',
];
const submitted = 'The minibus should stop at the health centre';

scenario('a facilitator starts a conversation and a member answers it with the keyboard', async () => {
  await asPerson(demo.facilitator, async (page) => {
    await openForum(page);
    await follow(page, ui.conversations.startLink(page));
    // Bad input first: the error summary, nothing stored.
    await ui.conversations.seeds(page).fill('x'.repeat(201));
    const bad = await follow(page, ui.conversations.start(page));
    assert.equal(bad.status, 422);
    const summary = await ui.errorSummary(page).innerText();
    assert.ok(summary.includes('Enter the question people will answer.'), summary);
    await ui.conversations.question(page).fill(question);
    await ui.conversations.seeds(page).fill(seeds.join('\n'));
    await follow(page, ui.conversations.start(page));
    assert.match(where(page), conversationPattern);
    assert.ok((await mainText(page)).includes('It has 3 statements.'));
  });

  let path;
  await asPerson(demo.member, async (page) => {
    path = await openConversation(page, question);
    // The script announces its shortcuts; the buttons say theirs too.
    await ui.conversations.shortcuts(page).waitFor({ state: 'visible' });
    assert.equal(await page.locator('#shortcuts-text').innerText(), text.shortcutsOn);
    const answered = new Set();
    for (const key of ['a', 'd', 'p']) {
      const statement = await ui.conversations.statement(page).innerText();
      assert.ok(seeds.includes(statement), `offered: ${statement}`);
      assert.ok(!answered.has(statement), `offered twice: ${statement}`);
      answered.add(statement);
      const nav = await navigate(page, () => page.keyboard.press(key));
      assert.ok(nav.chain.some((r) => r.method === 'POST' && r.status === 303), JSON.stringify(nav.chain));
      assert.ok((await mainText(page)).includes(text.answerSaved));
    }
    assert.ok((await mainText(page)).includes(text.allAnswered));

    // A statement of their own waits for a moderator.
    await ui.conversations.newStatement(page).fill(submitted);
    await follow(page, ui.conversations.send(page));
    assert.ok((await mainText(page)).includes(text.statementWillBeChecked));
    assert.equal(await ui.conversations.statement(page).count(), 0, 'not offered before it is accepted');
  });

  await asPerson(demo.facilitator, async (page) => {
    await visit(page, path);
    await follow(page, ui.conversations.moderationLink(page));
    const item = ui.main(page).locator('li').filter({ hasText: submitted });
    await follow(page, item.getByRole('button', { name: 'Accept', exact: true }));
    const accepted = ui.main(page).locator('li').filter({ hasText: submitted });
    await accepted.getByRole('button', { name: 'Take out' }).waitFor();
  });

  await asPerson(demo.member, async (page) => {
    await visit(page, path);
    assert.equal(await ui.conversations.statement(page).innerText(), submitted);
    // Shortcuts can be turned off (WCAG 2.1.4): then a key press does nothing.
    await ui.conversations.shortcutsToggle(page).click();
    assert.equal(await page.locator('#shortcuts-text').innerText(), 'Keyboard shortcuts are off.');
    await page.keyboard.press('a');
    await page.waitForTimeout(300);
    assert.equal(where(page), path);
    // The buttons work from the keyboard alone: Tab to Agree, then Enter.
    await ui.conversations.answer(page, 'Agree').focus();
    await navigate(page, () => page.keyboard.press('Enter'));
    assert.ok((await mainText(page)).includes(text.allAnswered));
  });
});

scenario('the map and report of the demo conversation show groups, name nobody and update live', async () => {
  await asPerson(demo.statutory, async (page) => {
    await openConversation(page, demo.conversation);
    await follow(page, ui.conversations.mapLink(page));
    const shown = await mainText(page);
    assert.ok(shown.includes(`${demo.conversationVoters} people are on the map`), shown);
    assert.match(shown, /You (are in group [A-E]|are on the map)/);
    await ui.conversations.map(page).waitFor();
    assert.equal(await page.locator('svg .app-map__you').count(), 1, 'the viewer is marked once');
    await ui.conversations.mapTable(page).waitFor();
    assert.ok(!shown.includes(demo.statutory.name) && !shown.includes(demo.facilitator.name));

    await follow(page, ui.main(page).getByRole('link', { name: 'Read the report' }));
    const report = await mainText(page);
    assert.ok(report.includes('What everyone agrees on'), report);
    assert.ok(report.includes('Common ground across sectors'), report);
    assert.ok(report.includes('The groups of opinion'), report);
    assert.ok(!report.includes(demo.statutory.name));

    // Live: while this map is open, the demo member answers for the first time and joins it.
    await visit(page, `${new URL(page.url()).pathname.replace(/\/report$/, '/map')}`);
    await asPerson(demo.member, async (other) => {
      await openConversation(other, demo.conversation);
      await follow(other, ui.conversations.answer(other, 'Agree'));
    });
    await page.waitForFunction(
      (n) => document.getElementById('live-map').textContent.includes(`${n} people are on the map`),
      demo.conversationVoters + 1,
      { timeout: 10_000 },
    );
    assert.match(await page.locator('#live-status').innerText(), /Updated at/);
  });
});

scenario('with JavaScript off, a member answers a statement and reads the map and report', async () => {
  const context = await launchBrowser({ javaScriptEnabled: false });
  try {
    const page = await firstPage(context);
    await signIn(page, demo.citizen.email, demo.citizen.password);
    await openConversation(page, demo.conversation);
    assert.equal(await ui.conversations.shortcuts(page).isVisible(), false, 'no shortcuts without JS');
    const before = await ui.conversations.statement(page).innerText();
    await follow(page, ui.conversations.answer(page, 'Pass or unsure'));
    assert.ok((await mainText(page)).includes(text.answerSaved));
    assert.notEqual(await ui.conversations.statement(page).innerText(), before);
    await follow(page, ui.conversations.mapLink(page));
    await ui.conversations.map(page).waitFor();
    await ui.conversations.mapTable(page).waitFor();
    await follow(page, ui.main(page).getByRole('link', { name: 'Read the report' }));
    assert.ok((await mainText(page)).includes('What everyone agrees on'));
  } finally {
    await context.close();
  }
});

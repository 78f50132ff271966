// The prioritisation vote: a facilitator shortlists solutions and sets up a ranked vote with
// live results; a member ranks by keyboard, gets a receipt and checks it; another member
// votes without JavaScript; the facilitator enters a paper ballot; the live results show a
// chart with its data table. Every page reached is checked with axe.
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
  startServer,
  visit,
  where,
} from './harness.mjs';
import { demo, paths, text, ui } from './selectors.mjs';

let server;
before(async () => {
  server = await startServer('votes');
});
after(async () => {
  await server?.stop();
});

async function asPerson(who, fn, options) {
  const context = await launchBrowser(options);
  try {
    const page = await firstPage(context);
    await signIn(page, who.email, who.password);
    return await fn(page);
  } finally {
    await context.close();
  }
}

/** UK wall-clock time as <input type="datetime-local"> takes it, `minutes` from now. */
function ukTime(minutes) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(Date.now() + minutes * 60_000));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

async function changePhase(page, forumPath, label) {
  await visit(page, forumPath);
  await ui.forums.phase(page).selectOption({ label });
  await follow(page, ui.forums.changePhase(page));
  assert.ok((await mainText(page)).includes(text.phaseNow(label)));
}

async function proposeAndShortlist(page, forumPath, title, cost) {
  await visit(page, forumPath);
  await follow(page, ui.solutionForm.link(page));
  await ui.solutionForm.title(page).fill(title);
  await ui.solutionForm.description(page).fill(`${title}, run by local partners.`);
  await ui.solutionForm.issueLabel(page, demo.issue).click();
  await ui.solutionForm.cost(page).fill(cost);
  await follow(page, ui.solutionForm.submit(page));
  await follow(page, ui.solutionForm.shortlist(page));
  assert.ok((await mainText(page)).includes(text.onTheShortlist));
}

scenario('a ranked vote with secret ballots, receipts, paper ballots and live results', async () => {
  const votePath = await asPerson(demo.facilitator, async (page) => {
    await visit(page, paths.forums);
    await follow(page, ui.forums.link(page, demo.forum));
    const forumPath = where(page);
    await changePhase(page, forumPath, 'Solutions');
    await proposeAndShortlist(page, forumPath, 'Volunteer minibus', '40,000');
    await proposeAndShortlist(page, forumPath, 'Befriending calls', '12,000');
    await proposeAndShortlist(page, forumPath, 'Carers\u2019 breaks', '25,000');
    await changePhase(page, forumPath, 'Prioritising');
    await follow(page, ui.voteForm.link(page));
    await ui.voteForm.question(page).fill('Which should come first?');
    await ui.voteForm.methodLabel(page, 'irv').click();
    await ui.voteForm.opensAt(page).fill(ukTime(-5));
    await ui.voteForm.closesAt(page).fill(ukTime(-1));
    const wrong = await follow(page, ui.voteForm.submit(page));
    assert.equal(wrong.status, 422, 'a closing time in the past is refused');
    await ui.voteForm.closesAt(page).fill(ukTime(24 * 60));
    await ui.voteForm.live(page).click();
    await follow(page, ui.voteForm.submit(page));
    assert.match(where(page), /\/votes\/\d+$/);
    return where(page);
  });

  // Sam ranks with the keyboard: Tab to each select and type the number.
  const receipt = await asPerson(demo.member, async (page) => {
    await visit(page, votePath);
    await ui.ballot.option(page, 'Befriending calls').selectOption('1');
    await ui.ballot.option(page, 'Volunteer minibus').selectOption('1');
    const tie = await follow(page, ui.ballot.cast(page));
    assert.equal(tie.status, 422);
    assert.ok((await mainText(page)).includes(text.differentNumbers));
    await ui.ballot.option(page, 'Volunteer minibus').focus();
    await page.keyboard.press('2');
    assert.equal(await ui.ballot.option(page, 'Volunteer minibus').inputValue(), '2');
    await ui.ballot.cast(page).focus();
    await navigate(page, () => page.keyboard.press('Enter'));
    assert.ok((await mainText(page)).includes(text.ballotIsIn));
    const code = (await ui.ballot.receipt(page).innerText()).trim();
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await follow(page, ui.ballot.checkLink(page));
    assert.ok((await mainText(page)).includes(text.ballotIncluded));
    // Back on the vote, the ballot is filled in as cast and can be changed.
    await visit(page, votePath);
    assert.equal(await ui.ballot.option(page, 'Befriending calls').inputValue(), '1');
    await ui.ballot.change(page).waitFor();
    return code;
  });

  await asPerson(
    demo.admin,
    async (page) => {
      await visit(page, votePath);
      await ui.ballot.option(page, 'Carers\u2019 breaks').selectOption('1');
      await follow(page, ui.ballot.cast(page));
      assert.ok((await mainText(page)).includes(text.ballotIsIn));
    },
    { javaScriptEnabled: false },
  );

  await asPerson(demo.facilitator, async (page) => {
    await visit(page, votePath);
    await follow(page, ui.ballot.paperLink(page));
    await ui.ballot.sectorLabel(page, 'statutory').click();
    await ui.ballot.option(page, 'Befriending calls').selectOption('1');
    await follow(page, ui.ballot.enter(page));
    assert.ok((await mainText(page)).includes(text.paperEntered));
    await visit(page, votePath);
    await follow(page, ui.ballot.resultsLink(page));
    const shown = await mainText(page);
    assert.ok(shown.includes(text.liveResults));
    assert.ok(shown.includes('3 ballots were cast, 1 of them on paper'));
    assert.match(shown, /Leading now Befriending calls/);
    const chart = ui.ballot.chart(page);
    assert.match(await chart.getAttribute('aria-labelledby'), /support-chart-title/);
  });

  // The live results update without a reload when another ballot comes in.
  const watcher = await launchBrowser();
  try {
    const page = await firstPage(watcher);
    await visit(page, `${votePath}/results`);
    await page.evaluate(() => { window.notReloaded = true; });
    assert.ok((await mainText(page)).includes('3 ballots were cast'));
    await asPerson(demo.facilitator, async (other) => {
      await visit(other, `${votePath}/paper`);
      await ui.ballot.sectorLabel(other, 'community').click();
      await ui.ballot.option(other, 'Volunteer minibus').selectOption('1');
      await follow(other, ui.ballot.enter(other));
    });
    await page.waitForFunction(
      () => document.getElementById('live-results').textContent.includes('4 ballots were cast'),
      null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'updated in place');
    assert.match(await page.locator('#live-status').innerText(), /Results updated/);
  } finally {
    await watcher.close();
  }

  // Anyone can check a receipt, without signing in.
  const context = await launchBrowser();
  try {
    const page = await firstPage(context);
    await visit(page, `${votePath}/receipt?code=${receipt.toLowerCase()}`);
    assert.ok((await mainText(page)).includes(text.ballotIncluded));
  } finally {
    await context.close();
  }
});

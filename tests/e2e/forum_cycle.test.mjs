// A whole forum cycle, from gathering people to follow-up, with a facilitator and members
// from three sectors (third, statutory, community): a session with sign-up, a waiting list
// and attendance; key issues; solutions and a shortlist; a ranked vote with secret ballots,
// receipts, a paper ballot and live results; the published result after the close with the
// anonymised ballots; then the report and follow-up phases. One member works by keyboard
// only, one without JavaScript. Every page reached is checked with axe.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import {
  asPerson,
  asPublic,
  follow,
  mainText,
  navigate,
  scenario,
  startServer,
  visit,
  where,
} from './harness.mjs';
import { demo, paths, text, ui } from './selectors.mjs';

let server;
before(async () => {
  server = await startServer('forum-cycle');
});
after(async () => {
  await server?.stop();
});



/** UK wall-clock time as <input type="datetime-local"> takes it, `minutes` from now. */
function ukTime(minutes, from = Date.now()) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(from + minutes * 60_000));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

async function changePhase(page, forumPath, label) {
  await visit(page, forumPath);
  await ui.forums.phase(page).selectOption({ label });
  await follow(page, ui.forums.changePhase(page));
  assert.ok((await mainText(page)).includes(text.phaseNow(label)), `now ${label}`);
}

async function proposeSolution(page, forumPath, title, cost, issue) {
  await visit(page, forumPath);
  await follow(page, ui.solutionForm.link(page));
  await ui.solutionForm.title(page).fill(title);
  await ui.solutionForm.description(page).fill(`${title}, run by local partners.`);
  await ui.solutionForm.issueLabel(page, issue).click();
  await ui.solutionForm.cost(page).fill(cost);
  await follow(page, ui.solutionForm.submit(page));
  assert.match(where(page), /\/solutions\/\d+$/);
  return where(page);
}

async function rank(page, votePath, ranks) {
  await visit(page, votePath);
  for (const [title, number] of Object.entries(ranks)) {
    await ui.ballot.option(page, title).selectOption(number);
  }
  await follow(page, ui.ballot.cast(page));
  assert.ok((await mainText(page)).includes(text.ballotIsIn));
  return (await ui.ballot.receipt(page).innerText()).trim();
}

scenario('a forum from gathering people to follow-up, with three sectors', async () => {
  const issueTitle = 'No bus to the day centre after 4pm';
  // Gather: the facilitator starts the forum and adds a session with two places.
  const [forumPath, sessionPath] = await asPerson(demo.facilitator, async (page) => {
    await visit(page, paths.forums);
    await follow(page, ui.forums.startLink(page));
    await ui.forums.title(page).fill('Hills forum, autumn');
    await follow(page, ui.forums.start(page));
    const forum = where(page);
    assert.ok((await mainText(page)).includes(text.phaseNow('Gathering people')));
    await follow(page, ui.sessionForm.link(page));
    await ui.sessionForm.title(page).fill('Forum day in Eastfield');
    await ui.sessionForm.formatLabel(page, 'in-person').click();
    await ui.sessionForm.venue(page).fill('Eastfield Hall, 1 Main Street');
    await ui.sessionForm.startsAt(page).fill(ukTime(7 * 24 * 60));
    await ui.sessionForm.endsAt(page).fill(ukTime(7 * 24 * 60 + 300));
    await ui.sessionForm.capacity(page).fill('2');
    await follow(page, ui.sessionForm.submit(page));
    assert.match(where(page), /\/sessions\/\d+$/);
    return [forum, where(page)];
  });

  // A member of the public registers without JavaScript; Sam takes the last place; Eilidh
  // waits, and moves up when the public registrant cancels by the emailed link... here by
  // the page's own form for members: Sam cancels instead.
  await asPublic(async (page) => {
    await visit(page, sessionPath);
    await ui.sessionPage.fullName(page).fill('Ann Lee');
    await ui.sessionPage.email(page).fill('ann.lee@example.org');
    await ui.sessionPage.accessNeeds(page).fill('A hearing loop, please');
    await follow(page, ui.sessionPage.register(page));
    assert.ok((await mainText(page)).includes(text.youHaveAPlace));
  }, { javaScriptEnabled: false });
  await asPerson(demo.member, async (page) => {
    await visit(page, sessionPath);
    await follow(page, ui.sessionPage.register(page));
    assert.ok((await mainText(page)).includes('You have a place at this session.'));
  });
  await asPerson(demo.statutory, async (page) => {
    await visit(page, sessionPath);
    await follow(page, ui.sessionPage.register(page));
    assert.ok((await mainText(page)).includes('You are on the waiting list, number 1'));
  });
  await asPerson(demo.member, async (page) => {
    await visit(page, sessionPath);
    await follow(page, ui.sessionPage.cancel(page));
  });
  await asPerson(demo.statutory, async (page) => {
    await visit(page, sessionPath);
    assert.ok((await mainText(page)).includes('You have a place at this session.'));
  });
  await asPerson(demo.facilitator, async (page) => {
    await visit(page, sessionPath);
    const table = await ui.sessionPage.registrations(page).innerText();
    assert.ok(table.includes('A hearing loop, please') && table.includes(demo.statutory.email));
    await ui.sessionPage.attendedLabel(page, 'Ann Lee').click();
    assert.ok(await ui.sessionPage.attended(page, 'Ann Lee').isChecked());
    await follow(page, ui.sessionPage.saveAttendance(page));
    assert.ok(await ui.sessionPage.attended(page, 'Ann Lee').isChecked());
    await changePhase(page, forumPath, 'Key issues');
  });

  // Key issues: the citizen raises one, the statutory member supports it.
  await asPerson(demo.citizen, async (page) => {
    await visit(page, forumPath);
    await follow(page, ui.forums.raiseLink(page));
    await ui.issueForm.title(page).fill(issueTitle);
    await ui.issueForm.description(page).fill('People in the hills cannot get home.');
    await follow(page, ui.issueForm.submit(page));
  });
  await asPerson(demo.statutory, async (page) => {
    await visit(page, forumPath);
    await follow(page, ui.main(page).getByRole('link', { name: issueTitle }));
    await follow(page, ui.issuePage.support(page));
    assert.match(await ui.issuePage.supporters(page).innerText(), /^2 people/);
  });

  // Solutions from two sectors, shortlisted by the facilitator.
  await asPerson(demo.facilitator, (page) => changePhase(page, forumPath, 'Solutions'));
  const solutions = [];
  await asPerson(demo.member, async (page) => {
    solutions.push(await proposeSolution(page, forumPath, 'Volunteer minibus', '40,000', issueTitle));
    solutions.push(await proposeSolution(page, forumPath, 'Befriending calls', '12,000', issueTitle));
  });
  await asPerson(demo.statutory, async (page) => {
    solutions.push(await proposeSolution(page, forumPath, 'Later council buses', '25,000', issueTitle));
  });

  // Prioritise: an instant-runoff vote with live results, closing at the next whole minute
  // at least a minute away.
  const closesAt = (Math.floor(Date.now() / 60_000) + 2) * 60_000;
  const votePath = await asPerson(demo.facilitator, async (page) => {
    for (const solution of solutions) {
      await visit(page, solution);
      await follow(page, ui.solutionForm.shortlist(page));
    }
    await changePhase(page, forumPath, 'Prioritising');
    await follow(page, ui.voteForm.link(page));
    await ui.voteForm.question(page).fill('Which should come first?');
    await ui.voteForm.methodLabel(page, 'irv').click();
    await ui.voteForm.opensAt(page).fill(ukTime(-5));
    await ui.voteForm.closesAt(page).fill(ukTime(-1));
    const wrong = await follow(page, ui.voteForm.submit(page));
    assert.equal(wrong.status, 422, 'a closing time in the past is refused');
    await ui.voteForm.closesAt(page).fill(ukTime(0, closesAt));
    await ui.voteForm.live(page).click();
    await follow(page, ui.voteForm.submit(page));
    assert.match(where(page), /\/votes\/\d+$/);
    return where(page);
  });

  // The third sector ranks by keyboard; IRV refuses a tie first.
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
    await visit(page, votePath);
    assert.equal(await ui.ballot.option(page, 'Befriending calls').inputValue(), '1');
    await ui.ballot.change(page).waitFor();
    return code;
  });
  // The statutory member without JavaScript; the citizen as usual.
  await asPerson(demo.statutory, (page) => rank(page, votePath, { 'Later council buses': '1' }),
    { javaScriptEnabled: false });
  await asPerson(demo.citizen, (page) => rank(page, votePath, { 'Befriending calls': '1' }));

  // The live results, then a paper ballot arrives and the open page updates in place.
  await asPublic(async (page) => {
    await visit(page, `${votePath}/results`);
    await page.evaluate(() => { window.notReloaded = true; });
    const shown = await mainText(page);
    assert.ok(shown.includes(text.liveResults) && shown.includes('3 ballots were cast'));
    assert.match(shown, /Leading now Befriending calls/);
    assert.match(await ui.ballot.chart(page).getAttribute('aria-labelledby'), /support-chart-title/);
    await asPerson(demo.facilitator, async (other) => {
      await visit(other, votePath);
      await follow(other, ui.ballot.paperLink(other));
      await ui.ballot.sectorLabel(other, 'statutory').click();
      await ui.ballot.option(other, 'Volunteer minibus').selectOption('1');
      await follow(other, ui.ballot.enter(other));
      assert.ok((await mainText(other)).includes(text.paperEntered));
    });
    await page.waitForFunction(
      () => document.getElementById('live-results').textContent.includes('4 ballots were cast'),
      null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'updated in place');
    assert.match(await page.locator('#live-status').innerText(), /Results updated/);
  });

  // After the close: the published result, the receipt still checks, the ballots download.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAt - Date.now() + 1500)));
  await asPublic(async (page) => {
    await visit(page, `${votePath}/results`);
    const shown = await mainText(page);
    assert.match(shown, /The outcome Befriending calls/);
    assert.ok(shown.includes('4 ballots were cast, 1 of them on paper'));
    const blt = await page.request.get(new URL(`${votePath}/ballots/blt`, page.url()).href);
    assert.equal(blt.status(), 200);
    assert.match(await blt.text(), /"Befriending calls"/);
    await visit(page, `${votePath}/receipt?code=${receipt.toLowerCase()}`);
    assert.ok((await mainText(page)).includes(text.ballotIncluded));
  });

  // Report and follow-up.
  await asPerson(demo.facilitator, async (page) => {
    await changePhase(page, forumPath, 'Report');
    await changePhase(page, forumPath, 'Follow-up');
    assert.ok((await mainText(page)).includes('This is the forum\u2019s last phase.') ||
      (await mainText(page)).includes("This is the forum's last phase."));
  });
}, { timeout: 300_000 });  // it waits for the vote to close, up to two minutes

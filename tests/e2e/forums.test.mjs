// A facilitator starts a forum and opens its key-issues phase; members from two sectors raise,
// support and comment on issues (one of them by keyboard only, one without JavaScript); the
// facilitator merges a duplicate and hides an off-topic issue, whose author sees why.
// Every page reached is checked with axe (through visit() and follow()).
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
  startServer,
  visit,
  where,
} from './harness.mjs';
import { demo, paths, text, ui } from './selectors.mjs';

let server;
before(async () => {
  server = await startServer('forums');
});
after(async () => {
  await server?.stop();
});


/** Raises an issue in the forum at `forumPath` and returns the issue's path. */
async function raiseIssue(page, forumPath, title, description) {
  await visit(page, forumPath);
  await follow(page, ui.forums.raiseLink(page));
  await ui.issueForm.title(page).fill(title);
  await ui.issueForm.description(page).fill(description);
  await ui.issueForm.theme(page).selectOption({ label: 'Transport' });
  await ui.issueForm.locality(page).selectOption({ label: demo.locality });
  const nav = await follow(page, ui.issueForm.submit(page));
  assert.equal(nav.status, 200);
  assert.match(where(page), paths.issuePattern);
  return where(page);
}

scenario('a forum goes from gathering people to key issues, with moderation', async () => {
  // The facilitator starts a forum and moves it to key issues.
  const forumPath = await asPerson(demo.facilitator, async (page) => {
    await visit(page, paths.forums);
    await follow(page, ui.forums.startLink(page));
    assert.equal(where(page), paths.newForum);
    const empty = await follow(page, ui.forums.start(page));
    assert.equal(empty.status, 422);
    await ui.errorSummary(page).waitFor();
    await ui.forums.title(page).fill('Hills forum on transport');
    await ui.forums.summary(page).fill('Getting to services from the hill villages.');
    await follow(page, ui.forums.start(page));
    const path = where(page);
    assert.match(path, paths.forumPattern);
    assert.ok((await mainText(page)).includes(text.phaseNow('Gathering people')));
    await ui.forums.phase(page).selectOption({ label: 'Key issues' });
    await follow(page, ui.forums.changePhase(page));
    assert.ok((await mainText(page)).includes(text.phaseNow('Key issues')));
    assert.match(await ui.forums.currentStep(page).innerText(), /Key issues/);
    await visit(page, paths.themes);
    return path;
  });

  // Sam (third sector) raises two issues; a bad form is refused with nothing saved.
  const [first, offTopic] = await asPerson(demo.member, async (page) => {
    await visit(page, forumPath);
    await follow(page, ui.forums.raiseLink(page));
    const bad = await follow(page, ui.issueForm.submit(page));
    assert.equal(bad.status, 422);
    assert.ok((await mainText(page)).includes(text.enterIssueTitle));
    const a = await raiseIssue(page, forumPath, 'No bus after 5pm', 'Carers cannot get home.');
    assert.ok((await mainText(page)).includes(text.youSupport));
    const b = await raiseIssue(page, forumPath, 'My neighbour is noisy', 'Every night.');
    return [a, b];
  });

  // Another member supports and comments using the keyboard only, and raises a duplicate.
  const duplicate = await asPerson(demo.admin, async (page) => {
    await visit(page, first);
    assert.match(await ui.issuePage.supporters(page).innerText(), /^1 person/);
    await ui.issuePage.support(page).focus();
    await navigate(page, () => page.keyboard.press('Enter'));
    assert.ok((await mainText(page)).includes(text.youSupport));
    assert.match(await ui.issuePage.supporters(page).innerText(), /^2 people/);
    await ui.issuePage.comment(page).focus();
    await page.keyboard.type('Same in Eastfield: the last bus leaves at 4.50pm.');
    await page.keyboard.press('Tab');
    await navigate(page, () => page.keyboard.press('Enter'));
    assert.ok((await mainText(page)).includes('the last bus leaves at 4.50pm'));
    return raiseIssue(page, forumPath, 'Evening buses', 'There are none.');
  });

  // The facilitator merges the duplicate and hides the off-topic issue.
  await asPerson(demo.facilitator, async (page) => {
    await visit(page, duplicate);
    await ui.issuePage.mergeInto(page).selectOption({ label: 'No bus after 5pm' });
    await follow(page, ui.issuePage.merge(page));
    assert.equal(where(page), first);
    await visit(page, duplicate);
    assert.ok((await mainText(page)).includes(text.issueMerged));
    await visit(page, offTopic);
    const noReason = await follow(page, ui.issuePage.hide(page));
    assert.equal(noReason.status, 422);
    await ui.issuePage.reason(page).fill('It is about one household, not a local service.');
    await follow(page, ui.issuePage.hide(page));
    await visit(page, forumPath);
    const issues = await ui.forums.issues(page).innerText();
    assert.ok(issues.includes('No bus after 5pm') && !issues.includes('Evening buses'));
  });

  // The author sees the reason; the public sees neither the hidden issue nor its reason.
  await asPerson(demo.member, async (page) => {
    await visit(page, offTopic);
    assert.ok((await mainText(page)).includes('Reason: It is about one household'));
  });
  const context = await launchBrowser({ javaScriptEnabled: false });
  try {
    const page = await firstPage(context);
    await visit(page, offTopic);
    const shown = await mainText(page);
    assert.ok(shown.includes(text.issueHidden) && !shown.includes('noisy'));
    await visit(page, forumPath);
    assert.ok(!(await mainText(page)).includes('noisy'));
    assert.match(await ui.forums.issues(page).innerText(), /No bus after 5pm\s+Transport\s+Eastfield\s+2/); // Sam and Alex, who wrote the duplicate
  } finally {
    await context.close();
  }
});

scenario('members propose solutions to the key issues and the facilitator shortlists one', async () => {
  const forumPath = await asPerson(demo.facilitator, async (page) => {
    await visit(page, paths.forums);
    await follow(page, ui.forums.link(page, demo.forum));
    await ui.forums.phase(page).selectOption({ label: 'Solutions' });
    await follow(page, ui.forums.changePhase(page));
    assert.ok((await mainText(page)).includes(text.phaseNow('Solutions')));
    return where(page);
  });
  const solution = await asPerson(demo.member, async (page) => {
    await visit(page, forumPath);
    await follow(page, ui.solutionForm.link(page));
    await ui.solutionForm.title(page).fill('Volunteer minibus');
    await ui.solutionForm.description(page).fill('A minibus driven by trained volunteers.');
    await ui.solutionForm.cost(page).fill('twelve thousand');
    const bad = await follow(page, ui.solutionForm.submit(page));
    assert.equal(bad.status, 422);
    const shown = await mainText(page);
    assert.ok(shown.includes(text.badCost), 'the cost is refused');
    await ui.solutionForm.issueLabel(page, demo.issue).click();
    assert.ok(await ui.solutionForm.issue(page, demo.issue).isChecked());
    await ui.solutionForm.cost(page).fill('12,500');
    await follow(page, ui.solutionForm.submit(page));
    assert.ok((await mainText(page)).includes('£12,500'));
    return where(page);
  });
  await asPerson(demo.facilitator, async (page) => {
    await visit(page, solution);
    await follow(page, ui.solutionForm.shortlist(page));
    assert.ok((await mainText(page)).includes(text.onTheShortlist));
    await visit(page, forumPath);
    assert.ok((await mainText(page)).includes('Volunteer minibus'));
  });
});

scenario('without JavaScript a member supports the demo issue', async () => {
  await asPerson(
    demo.member,
    async (page) => {
      await visit(page, paths.forums);
      await follow(page, ui.forums.link(page, demo.forum));
      await follow(page, ui.main(page).getByRole('link', { name: 'Loneliness after hospital discharge' }));
      await follow(page, ui.issuePage.support(page));
      assert.ok((await mainText(page)).includes(text.youSupport));
    },
    { javaScriptEnabled: false },
  );
});

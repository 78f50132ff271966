// Every text, label, path and selector the browser tests rely on, in one place.
// The server's pages are written to this contract; when a page changes, adjust it here.

// ---- Demo data (created by `coproduce demo`) ----
export const demo = {
  partnership: 'Riverside and Hills Partnership',
  slug: 'riverside',
  admin: { email: 'admin@example.org', password: 'demo-admin-2026', name: 'Alex Morgan' },
  member: { email: 'sam.patel@example.org', password: 'demo-member-2026', name: 'Sam Patel' },
  facilitator: { email: 'jordan.reid@example.org', password: 'demo-member-2026', name: 'Jordan Reid' },
  // A statutory member (Riverside and Hills Council) and a citizen who represents no
  // organisation (community sector).
  statutory: { email: 'eilidh.wilson7@example.org', password: 'demo-member-2026', name: 'Eilidh Wilson' },
  citizen: { email: 'fiona.stewart5@example.org', password: 'demo-member-2026', name: 'Fiona Stewart' },
  forum: 'Riverside Third Sector Forum, spring 2027',
  conversation: 'What would make day services easier to reach?',
  // Voters in the demo conversation: 38 people, every member but Sam and the admin.
  conversationVoters: 38,
  issue: 'Too few buses to day services',
  locality: 'Eastfield',
  organisation: 'Eastfield Carers Centre',
};

// ---- Paths ----
const p = `/p/${demo.slug}`;
export const paths = {
  home: '/',
  healthz: '/healthz',
  signIn: '/sign-in',
  signOut: '/sign-out',
  partnership: p,
  people: `${p}/people`,
  invite: `${p}/people/invite`,
  organisations: `${p}/organisations`,
  newOrganisation: `${p}/organisations/new`,
  directory: `${p}/directory`,
  audit: `${p}/audit`,
  inviteToken: (token) => `/invite/${token}`,
  invitePattern: /^\/invite\/[^/?#]+$/,
  forgotPassword: '/password/forgot',
  resetPassword: (token) => `/password/reset/${token}`,
  resetPattern: /\/password\/reset\/([A-Za-z0-9_-]+)/,
  localities: `${p}/localities`,
  archivedOrganisations: `${p}/organisations?archived=1`,
  person: (id) => `${p}/people/${id}`,
  organisation: (id) => `${p}/organisations/${id}`,
  forums: `${p}/forums`,
  newForum: `${p}/forums/new`,
  themes: `${p}/themes`,
  forumPattern: new RegExp(`^${p}/forums/\\d+$`),
  issuePattern: new RegExp(`^${p}/issues/\\d+$`),
};

// ---- Texts ----
export const text = {
  siteName: 'coproduce',
  skipLink: 'Skip to main content',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signedInAs: 'Signed in as',
  errorSummaryTitle: 'There is a problem',
  wrongPassword: 'The email address or password is not right',
  tooManyAttempts: 'Too many attempts',
  inviteAPerson: 'Invite a person',
  sendInvitation: 'Send invitation',
  invitationCreated: 'Invitation created',
  createYourAccount: 'Create your account',
  createAccount: 'Create account',
  invitationGone: 'This invitation link has already been used or has expired',
  addAnOrganisation: 'Add an organisation',
  saveOrganisation: 'Save organisation',
  badCharityNumber: 'Enter a Scottish charity number as SC followed by 6 digits, like SC012345',
  noPermission: 'You do not have permission to see this page',
  pageNotFound: 'Page not found',
  roles: ['Member', 'Facilitator', 'Admin'],
  sectors: ['Third sector', 'Statutory', 'Community', 'Private'],
  // Password reset
  forgotPassword: 'I have forgotten my password',
  resetYourPassword: 'Reset your password',
  enterEmail: 'Enter an email address',
  sendTheLink: 'Send the link',
  checkYourEmail: 'Check your email',
  chooseNewPassword: 'Choose a new password',
  saveNewPassword: 'Save new password',
  passwordsDiffer: 'The two passwords are not the same',
  resetGone: 'This reset link has already been used or has expired',
  // A person's page
  changeTheirDetails: 'Change their details',
  enterFullName: "Enter the person's full name",
  addRepresentation: 'Add an organisation they represent',
  saveChanges: 'Save changes',
  addRepresentationButton: 'Add',
  archivePerson: 'Archive',
  badStartDate: 'Enter the start date as year-month-day, like 2026-04-01',
  // Localities
  localities: 'Localities',
  addLocality: 'Add locality',
  enterLocalityName: "Enter the locality's name",
  // An organisation's page
  editOrganisation: 'Edit organisation',
  editThisOrganisation: 'Edit this organisation',
  archiveThisOrganisation: 'Archive this organisation',
  badWebsite: 'Enter a website address starting with https://',
  showArchived: 'Show archived organisations too',
  archivedSuffix: '(archived)',
  auditLog: 'Audit log',
  // Forums and key issues
  startAForum: 'Start a forum',
  startTheForum: 'Start the forum',
  changePhase: 'Change phase',
  raiseAnIssue: 'Raise an issue',
  raiseTheIssue: 'Raise the issue',
  mattersToUs: 'This matters to us too',
  youSupport: 'You support this issue.',
  addComment: 'Add comment',
  mergeIssues: 'Merge issues',
  hideIssue: 'Hide issue',
  issueMerged: 'This issue was merged',
  issueHidden: 'This issue was hidden',
  enterIssueTitle: 'Enter a short title for the issue.',
  phaseNow: (label) => `Now: ${label}`,
  proposeASolution: 'Propose a solution',
  // Conversations
  startAConversation: 'Start a conversation',
  startTheConversation: 'Start the conversation',
  sendTheStatement: 'Send the statement',
  seeTheMap: 'See the opinion map',
  answerSaved: 'Your answer was saved.',
  allAnswered: 'You have answered every statement.',
  statementWillBeChecked: 'will be checked by a moderator before others see it',
  shortcutsOn: 'Keyboard shortcuts: press A to agree, D to disagree or P to pass.',
  proposeTheSolution: 'Propose the solution',
  addToShortlist: 'Add to the shortlist',
  onTheShortlist: 'On the shortlist for the vote',
  badCost: 'Enter the cost in pounds',
  setUpAVote: 'Set up a vote',
  setUpTheVote: 'Set up the vote',
  castMyBallot: 'Cast my ballot',
  changeMyBallot: 'Change my ballot',
  ballotIsIn: 'Your ballot is in',
  ballotIncluded: 'This ballot is included in the count',
  differentNumbers: 'Give each option a different number',
  liveResults: 'Live results',
  enterPaperBallot: 'Enter a paper ballot',
  enterTheBallot: 'Enter the ballot',
  paperEntered: 'Paper ballot entered',
  addASession: 'Add a session',
  addTheSession: 'Add the session',
  register: 'Register',
  youHaveAPlace: 'You have a place',
  waitingList: 'You are on the waiting list',
  saveAttendance: 'Save attendance',
};

// ---- Locators (page => Locator) ----
// Form fields are found by the start of their label, so a hint inside the <label> does no harm.
const label = (s) => new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
// A whole text, give or take the white space around it.
const whole = (s) => new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

export const ui = {
  main: (page) => page.locator('#main-content'),
  header: (page) => page.getByRole('banner'),
  footer: (page) => page.getByRole('contentinfo'),
  h1: (page) => page.getByRole('heading', { level: 1 }),
  skipLink: (page) => page.getByRole('link', { name: text.skipLink }),
  signInLink: (page) => ui.header(page).getByRole('link', { name: text.signIn, exact: true }),
  signOutButton: (page) => ui.header(page).getByRole('button', { name: text.signOut, exact: true }),
  signedInAs: (page) => ui.header(page).getByText(text.signedInAs),
  // The design system's error summary, or anything announced as an alert, inside main.
  errorSummary: (page) => ui.main(page).locator('.ds_error-summary, [role="alert"]').first(),

  signInForm: {
    email: (page) => ui.main(page).getByLabel(label('Email address')),
    password: (page) => ui.main(page).getByLabel(label('Password')),
    submit: (page) => ui.main(page).getByRole('button', { name: text.signIn, exact: true }),
  },

  partnershipLink: (page) => ui.main(page).locator(`a[href="${paths.partnership}"]`),

  people: {
    inviteLink: (page) => ui.main(page).getByRole('link', { name: text.inviteAPerson }),
  },
  inviteForm: {
    fullName: (page) => ui.main(page).getByLabel(label('Full name')),
    email: (page) => ui.main(page).getByLabel(label('Email address')),
    role: (page) => ui.main(page).getByLabel(label('Role')),
    submit: (page) => ui.main(page).getByRole('button', { name: text.sendInvitation }),
    link: (page) => page.locator('#invite-link'),
  },
  signUpForm: {
    fullName: (page) => ui.main(page).getByLabel(label('Full name')),
    password: (page) => ui.main(page).getByLabel(label('Password')),
    confirm: (page) => ui.main(page).getByLabel(label('Confirm password')),
    submit: (page) => ui.main(page).getByRole('button', { name: text.createAccount }),
  },

  organisations: {
    table: (page) => ui.main(page).locator('table').first(),
    addLink: (page) => ui.main(page).getByRole('link', { name: text.addAnOrganisation }),
  },
  organisationForm: {
    name: (page) => ui.main(page).getByLabel(label('Name')),
    sector: (page, sectorLabel) => ui.main(page).getByRole('radio', { name: sectorLabel, exact: true }),
    // The design system draws its own radio button over the input, so people click the label.
    sectorLabel: (page, sectorLabel) =>
      ui.main(page).locator('label').filter({ hasText: new RegExp(`^\\s*${sectorLabel}\\s*$`) }),
    locality: (page) => ui.main(page).getByLabel(label('Locality')),
    charityNumber: (page) => ui.main(page).getByLabel(label('Scottish charity number')),
    website: (page) => ui.main(page).getByLabel(label('Website')),
    submit: (page) => ui.main(page).getByRole('button', { name: text.saveOrganisation }),
  },

  directory: {
    table: (page) => ui.main(page).locator('table').first(),
  },

  forums: {
    startLink: (page) => ui.main(page).getByRole('link', { name: text.startAForum }),
    link: (page, title) => ui.main(page).getByRole('link', { name: title, exact: true }),
    title: (page) => ui.main(page).getByLabel(label('Title')),
    summary: (page) => ui.main(page).getByLabel(label('What the forum is about')),
    start: (page) => ui.main(page).getByRole('button', { name: text.startTheForum }),
    phase: (page) => ui.main(page).getByLabel(label('Move the forum to')),
    changePhase: (page) => ui.main(page).getByRole('button', { name: text.changePhase }),
    currentStep: (page) => ui.main(page).locator('[aria-current="step"]'),
    raiseLink: (page) => ui.main(page).getByRole('link', { name: text.raiseAnIssue }),
    issues: (page) => ui.main(page).getByRole('table', { name: /^Key issues/ }),
  },
  issueForm: {
    title: (page) => ui.main(page).getByLabel(label('The issue in a few words')),
    description: (page) => ui.main(page).getByLabel(label('Describe it')),
    theme: (page) => ui.main(page).getByLabel(label('Theme')),
    locality: (page) => ui.main(page).getByLabel(label('Locality')),
    submit: (page) => ui.main(page).getByRole('button', { name: text.raiseTheIssue }),
  },
  solutionForm: {
    link: (page) => ui.main(page).getByRole('link', { name: text.proposeASolution }),
    title: (page) => ui.main(page).getByLabel(label('The solution in a few words')),
    description: (page) => ui.main(page).getByLabel(label('Describe it')),
    issue: (page, title) => ui.main(page).getByRole('checkbox', { name: title, exact: true }),
    issueLabel: (page, title) =>
      ui.main(page).locator('label').filter({ hasText: whole(title) }),
    cost: (page) => ui.main(page).getByLabel(label('Cost in pounds')),
    submit: (page) => ui.main(page).getByRole('button', { name: text.proposeTheSolution }),
    shortlist: (page) => ui.main(page).getByRole('button', { name: text.addToShortlist }),
  },
  sessionForm: {
    link: (page) => ui.main(page).getByRole('link', { name: text.addASession }),
    title: (page) => ui.main(page).getByLabel(label('Title')),
    formatLabel: (page, format) => ui.main(page).locator(`label[for="format-${format}"]`),
    venue: (page) => ui.main(page).getByLabel(label('Venue')),
    startsAt: (page) => ui.main(page).getByLabel(label('Starts')),
    endsAt: (page) => ui.main(page).getByLabel(label('Ends')),
    capacity: (page) => ui.main(page).getByLabel(label('Places')),
    submit: (page) => ui.main(page).getByRole('button', { name: text.addTheSession }),
  },
  sessionPage: {
    fullName: (page) => ui.main(page).getByLabel(label('Your name')),
    email: (page) => ui.main(page).getByLabel(label('Email address')),
    accessNeeds: (page) => ui.main(page).getByLabel(label('Access needs')),
    register: (page) => ui.main(page).getByRole('button', { name: text.register, exact: true }),
    cancel: (page) => ui.main(page).getByRole('button', { name: /^Cancel my/ }),
    attended: (page, name) => ui.main(page).getByLabel(`${name} came`),
    // The design system draws the box on the label, so people click the label.
    attendedLabel: (page, name) => ui.main(page).locator('label').filter({ hasText: `${name} came` }),
    saveAttendance: (page) => ui.main(page).getByRole('button', { name: text.saveAttendance }),
    registrations: (page) => ui.main(page).getByRole('table', { name: /^Registrations/ }),
  },
  voteForm: {
    link: (page) => ui.main(page).getByRole('link', { name: text.setUpAVote }),
    question: (page) => ui.main(page).getByLabel(label('Question')),
    methodLabel: (page, name) => ui.main(page).locator(`label[for="method-${name}"]`),
    opensAt: (page) => ui.main(page).getByLabel(label('Opens')),
    closesAt: (page) => ui.main(page).getByLabel(label('Closes')),
    live: (page) => ui.main(page).locator('label[for="live_results"]'),
    submit: (page) => ui.main(page).getByRole('button', { name: text.setUpTheVote }),
  },
  ballot: {
    option: (page, title) => ui.main(page).getByLabel(label(title)),
    cast: (page) => ui.main(page).getByRole('button', { name: text.castMyBallot }),
    change: (page) => ui.main(page).getByRole('button', { name: text.changeMyBallot }),
    receipt: (page) => page.locator('#receipt'),
    checkLink: (page) => ui.main(page).getByRole('link', { name: 'Check this receipt' }),
    resultsLink: (page) => ui.main(page).getByRole('link', { name: /results/ }),
    paperLink: (page) => ui.main(page).getByRole('link', { name: text.enterPaperBallot }),
    sectorLabel: (page, sector) => ui.main(page).locator(`label[for="sector-${sector}"]`),
    enter: (page) => ui.main(page).getByRole('button', { name: text.enterTheBallot }),
    chart: (page) => ui.main(page).getByRole('img'),
  },
  issuePage: {
    support: (page) => ui.main(page).getByRole('button', { name: text.mattersToUs }),
    supporters: (page) => page.locator('#supporters'),
    comment: (page) => ui.main(page).getByLabel(label('Add a comment')),
    addComment: (page) => ui.main(page).getByRole('button', { name: text.addComment }),
    mergeInto: (page) => ui.main(page).getByLabel(label('Merge this issue into')),
    merge: (page) => ui.main(page).getByRole('button', { name: text.mergeIssues }),
    reason: (page) => ui.main(page).getByLabel(label('Reason for hiding this issue')),
    hide: (page) => ui.main(page).getByRole('button', { name: text.hideIssue }),
  },

  forgotForm: {
    link: (page) => ui.main(page).getByRole('link', { name: text.forgotPassword }),
    email: (page) => ui.main(page).getByLabel(label('Email address')),
    submit: (page) => ui.main(page).getByRole('button', { name: text.sendTheLink }),
  },
  resetForm: {
    password: (page) => ui.main(page).getByLabel(label('New password')),
    confirm: (page) => ui.main(page).getByLabel(label('Confirm new password')),
    submit: (page) => ui.main(page).getByRole('button', { name: text.saveNewPassword }),
  },

  // A person's page; an admin also sees the forms "Change their details", "Add an organisation
  // they represent" and "Archive", each under its own h2.
  person: {
    heading: (page, name) => ui.main(page).getByRole('heading', { level: 2, name, exact: true }),
    fullName: (page) => ui.main(page).getByLabel(label('Full name')),
    role: (page) => ui.main(page).getByLabel(label('Role')),
    saveChanges: (page) => ui.main(page).getByRole('button', { name: text.saveChanges }),
    organisation: (page) => ui.main(page).getByLabel(label('Organisation')),
    repRole: (page) => ui.main(page).getByLabel(label('Their role in the organisation')),
    startsOn: (page) => ui.main(page).getByLabel(label('Start date')),
    endsOn: (page) => ui.main(page).getByLabel(label('End date (optional)')),
    add: (page) =>
      ui.main(page).getByRole('button', { name: text.addRepresentationButton, exact: true }),
    // "Archive <their name>"
    archive: (page) =>
      ui.main(page).getByRole('button', { name: new RegExp(`^${text.archivePerson}\\b`) }),
    // The table of the organisations they represent (its caption names it).
    representations: (page) =>
      ui.main(page).getByRole('table', { name: /^Organisations .* represents$/ }),
  },
  peopleTable: (page) => ui.main(page).locator('table').first(),

  localities: {
    name: (page) => ui.main(page).getByLabel(label('Name of the locality')),
    submit: (page) => ui.main(page).getByRole('button', { name: text.addLocality }),
    item: (page, name) =>
      ui.main(page).getByRole('listitem').filter({ hasText: whole(name) }),
  },

  organisationPage: {
    // The value next to a key ("Sector", "Locality", "Website") in the summary list.
    value: (page, key) =>
      ui.main(page)
        .locator('.ds_summary-list__item')
        .filter({ has: page.locator('dt', { hasText: whole(key) }) })
        .locator('dd'),
    editLink: (page) => ui.main(page).getByRole('link', { name: text.editThisOrganisation }),
    archiveButton: (page) =>
      ui.main(page).getByRole('button', { name: text.archiveThisOrganisation }),
  },
  showArchivedLink: (page) => ui.main(page).getByRole('link', { name: text.showArchived }),

  audit: {
    table: (page) => ui.main(page).locator('table').first(),
  },

  conversations: {
    startLink: (page) => ui.main(page).getByRole('link', { name: text.startAConversation }),
    link: (page, question) => ui.main(page).getByRole('link', { name: question, exact: true }),
    question: (page) => ui.main(page).getByLabel(label('Question')),
    seeds: (page) => ui.main(page).getByLabel(label('Statements to start with')),
    start: (page) => ui.main(page).getByRole('button', { name: text.startTheConversation }),
    statement: (page) => ui.main(page).locator('#vote-form legend'),
    answer: (page, name) => ui.main(page).getByRole('button', { name, exact: true }),
    shortcuts: (page) => ui.main(page).locator('#shortcuts'),
    shortcutsToggle: (page) => ui.main(page).locator('#shortcuts-toggle'),
    newStatement: (page) => ui.main(page).getByLabel(label('Your statement')),
    send: (page) => ui.main(page).getByRole('button', { name: text.sendTheStatement }),
    mapLink: (page) => ui.main(page).getByRole('link', { name: text.seeTheMap }),
    reportLink: (page) => ui.main(page).getByRole('link', { name: /^Read the report/ }),
    moderationLink: (page) => ui.main(page).getByRole('link', { name: /^Moderate statements/ }),
    map: (page) => ui.main(page).locator('svg[role="img"]'),
    mapTable: (page) => ui.main(page).getByRole('table', { name: /The groups on the map/ }),
    live: (page) => ui.main(page).locator('#live-map, #live-report'),
  },
};

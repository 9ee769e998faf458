/**
 * Hand-written word lists for the subjectivity scorer. They name general phenomena of English opinion
 * writing (evaluation, stance, hedging, prescription, intensity) and of news reporting (attribution).
 */

const words = (s: string): Set<string> => new Set(s.trim().split(/\s+/));

/** Verbs that introduce reported speech or writing. */
export const REPORTING_VERBS = words(`
  say says said tell tells told write writes wrote add adds added stated noted explain explains explained
  claims claimed announce announces announced confirm confirms confirmed reveal reveals revealed describes
  described warn warns warned cautions cautioned stressed emphasizes emphasized emphasises emphasised insist
  insists insisted argue argues argued asserts asserted acknowledges acknowledged admits admitted reported posted
  tweeted declares declared denies denied suggested urges urged predicts predicted estimated reckons reckoned
  recalled replied responded commented testified disclosed indicated agreed asked promised vowed pledged conceded
  observed mentioned remarked maintains maintained reiterated reiterates contends contended alleges alleged accused welcomed
  note notes claim report reports estimate estimates allege deny acknowledge admit
`);

/** Vague speakers: attribution to them is a rhetorical device of opinion writing, not sourcing. */
export const VAGUE_SPEAKERS = words(`
  critics some many others observers skeptics sceptics supporters opponents detractors commentators pundits
  people experts analysts most few everyone anyone nobody someone somebody they one proponents advocates
  defenders cynics
`);

/** Prescriptive / obligation modals and phrases. */
export const PRESCRIPTIVE = words(`should must ought shall needs`);

/** Speculative modals. */
export const SPECULATIVE = words(`could might may would`);

/** Hedges and epistemic stance markers. */
export const HEDGES = words(`
  perhaps probably possibly maybe arguably apparently presumably seemingly supposedly
  conceivably seem seems seemed suppose guess doubt doubtless surely certainly
  undoubtedly evidently obviously clearly plainly frankly honestly admittedly naturally unfortunately
  fortunately sadly happily hopefully ironically interestingly curiously tellingly notably remarkably
  regrettably thankfully mercifully predictably inevitably inevitable essentially basically simply merely
  indeed really actually truly literally
`);

/**
 * Hedging phrases the word list cannot hold: "appears to" (not "appeared in court") and "likely" as an
 * estimate. Not a statistic's comparison ("four times more likely"), a poll's "likely voters", nor "likely"
 * inside an impersonal frame ("it is likely that"), which is counted there.
 */
export const HEDGE_PHRASES =
  /\b(?:appears?|appeared|appearing)\s+to\b|(?<!\b(?:(?:it|this|that)\s*(?:is|was|'s|’s)(?:\s+not)?|more|less|most|least|as|equally)\s+)\b(?:un)?likely\b(?!\s+voters?\b)/gi;

/** Intensifiers and degree adverbs. */
export const INTENSIFIERS = words(`
  very extremely incredibly utterly totally completely absolutely entirely deeply highly hugely immensely
  enormously terribly awfully profoundly thoroughly fundamentally desperately painfully strikingly
  remarkably exceedingly overly excessively too so such quite rather pretty fairly especially particularly
  vastly wildly grossly sorely
`);

/** Evaluative adjectives, adverbs and nouns: words whose main job is to judge. */
export const EVALUATIVE = words(`
  good bad better worse best worst great greatest terrible horrible awful dreadful appalling atrocious
  excellent superb wonderful marvellous marvelous brilliant splendid fantastic fabulous magnificent admirable
  impressive remarkable extraordinary outstanding exceptional stunning amazing astonishing astounding shocking
  disgraceful shameful shameless scandalous outrageous egregious deplorable despicable disgusting repugnant
  abhorrent vile obscene grotesque monstrous evil wicked sinister nefarious cynical hypocritical hypocrisy
  absurd absurdity ridiculous ludicrous laughable preposterous silly stupid foolish idiotic dumb naive naïve
  misguided wrongheaded wrong correct incorrect mistaken misleading dishonest honest disingenuous
  deceptive dubious questionable dubious specious spurious bogus sham phony phoney fake nonsense rubbish
  garbage drivel folly foolishness madness insane insanity crazy lunatic delusional paranoid hysterical
  meaningful valuable worthwhile worthy unworthy
  unnecessary needless pointless useless worthless futile fruitless hopeless helpless desperate
  dire grave harsh cruel brutal ruthless callous heartless reckless irresponsible responsible
  careless careful thoughtful thoughtless sensible senseless reasonable unreasonable rational irrational
  fair unfair unjust unjustified justified legitimate illegitimate acceptable unacceptable intolerable
  tolerable appropriate inappropriate proper improper decent indecent moral immoral amoral ethical unethical
  noble ignoble heroic cowardly brave courageous bold timid powerless feeble pathetic
  sad tragic tragically unfortunate lamentable regrettable deplorable miserable wretched pitiful pitiable
  beautiful ugly elegant clumsy awkward crude vulgar crass tasteless tacky
  dangerous perilous risky reckless harmful damaging destructive disastrous catastrophic calamitous ruinous
  toxic poisonous corrosive insidious pernicious malign malignant benign healthy unhealthy
  interesting boring dull tedious fascinating intriguing compelling convincing unconvincing persuasive
  clear unclear obvious evident apparent transparent opaque vague confused confusing incoherent coherent
  simplistic complex complicated nuanced subtle crude sophisticated primitive
  genuine authentic true false real fake hollow empty shallow superficial profound
  troubling disturbing worrying worrisome alarming concerning frightening terrifying scary chilling
  encouraging promising hopeful optimistic pessimistic bleak grim gloomy rosy bright dark
  seismic sweeping radical extreme extremist
  fanatical zealous ideological partisan biased unbiased objective subjective arbitrary capricious
  corrupt corrupted rotten bankrupt failing flawed defective inadequate insufficient sufficient
  adequate excessive exorbitant extravagant lavish wasteful frugal prudent imprudent wise unwise clever
  smart savvy shrewd cunning brilliant genius idiot fool fools idiots morons clowns thugs
  arrogant smug condescending patronizing patronising pompous self-righteous sanctimonious righteous
  elitist populist demagogue demagoguery propaganda lies lie liar liars lying myth myths hoax farce
  travesty charade disgrace scandal outrage shame disaster catastrophe fiasco debacle mess chaos
  triumph betrayal treachery cowardice courage virtue vice sin sins
  naturally inevitably sadly tragically shamefully disgracefully rightly wrongly justly unjustly unfairly
  blatantly brazenly flagrantly wildly grossly woefully sorely badly poorly nicely happily
  ominous ominously fragile precarious vulnerable resilient robust ironclad
  purported self-styled
  strange bizarre weird odd peculiar curious surprising unsurprising predictable unpredictable ironic
  staggering stark striking glaring blatant flagrant brazen gross woeful
  endemic rampant pervasive
  worthy deserving undeserved deserved
  mere merely sheer utter pure purely
  oppressive tyrannical tyranny authoritarian totalitarian draconian dystopian orwellian
  fortunate lucky unlucky blessed cursed doomed
  wrong-headed ill-advised ill-conceived half-baked well-meaning
  nice lovely pleasant unpleasant nasty unkind generous stingy greedy selfish
  lazy diligent incompetent competent inept capable incapable effective ineffective efficient inefficient
  successful unsuccessful productive counterproductive
  embarrassing embarrassed humiliating humiliated disappointing disappointed frustrating
  welcome unwelcome desirable undesirable preferable
  dubious suspect suspicious questionable
  emblematic symbolic telling revealing
  cozy cosy transactional
  nightmare nightmarish whim whims hellbent woke infamous notorious ingenious gloating gloatingly fear-mongering
  fearmongering alarmist crackpot elites elitism regime narrative narratives agenda ideology ideological dogma
  dogmatic orthodoxy slogan slogans rhetoric rhetorical hype spin euphemism euphemisms cult mob zealots radicals
  correctly rightly famously conveniently suspiciously cleverly shamelessly recklessly mindlessly blindly
  senselessly foolishly stupidly cynically hypocritically dishonestly bizarrely oddly strangely
  panic hysteria paranoia delusion delusions fantasy fantasies illusion illusions mirage
  gimmick gimmicks stunt stunts ploy ploys charade pretence pretense pretext facade façade veneer
  puppet puppets stooge stooges lackey lackeys cronies cronyism crony
  wildfire
  sham bluster bluff bullying bully bullies tyrant tyrants despot despots dictator dictators
  greed greedy avarice arrogance ignorance ignorant stupidity incompetence
  appeasement capitulation betrayal
  utopian utopia dystopia apocalyptic apocalypse doom
  chaotic vitriol vitriolic embittered bitter bitterly hateful spiteful petty vacuous vacuity hollowness
  paradoxical paradox animosity horror horrific horrendous contemptible contempt scornful farcical laughably
  deranged unhinged inexcusable indefensible unforgivable shabby sordid squalid seedy grubby sloppy shoddy
  lackluster lacklustre mediocre feckless spineless gutless toothless clueless tone-deaf out-of-touch
  glorious triumphant visionary inspiring inspired heartening laudable commendable praiseworthy exemplary
  paltry meagre meager measly nondescript unctuous respectable self-contradictory contradictory lame flimsy
  abysmal dismal lousy stellar risible bumbling hapless craven venal sleazy shady crooked murky glib facile
  trite banal hackneyed shrill strident overwrought fanciful far-fetched implausible baseless
  groundless unfounded duplicitous mendacious preachy haughty imperious heavy-handed high-handed overbearing
  overreach bloated unaccountable bungled botched ham-fisted masterful deft adroit astute judicious
  foolhardy gullible credulous complacent pampered cosseted unseemly unsavoury unsavory distasteful repellent
  odious loathsome abominable heinous barbaric barbarous inhumane gratuitous wanton mindless vicious
`);

/**
 * Words of size, importance and urgency: evaluative, but also the ordinary vocabulary of reporting
 * ("a major storm", "a key witness", "critical condition"), so they count for little.
 */
export const WEAK_EVALUATIVE = words(`
  important crucial vital essential critical key significant major minor serious severe huge vast enormous
  massive immense tremendous colossal tiny trivial widespread necessary unprecedented historic landmark
  momentous monumental acute chronic urgent pressing strong weak powerful simple plain deep
`);

/**
 * Adjectives and adverbs that sentiment lexicons rate strongly but that reports use to state a status, an
 * outcome or someone's reported feeling: legal standing, life and health, wealth, freedom, war and peace,
 * test results, festivities.
 */
export const DESCRIPTIVE_VALENCE = words(`
  free freed dead deadly fatal fatally killed injured wounded sick ill infected healthy safe safely
  criminal illegal illegally fraudulent guilty innocent terrorist abusive violent violently peaceful peacefully
  offensive defensive hostile military poor poorer poorest rich richer richest wealthy wealthier wealthiest
  positive negative successful successfully unsuccessful failed favorite favourite festive supreme
  happy unhappy angry furious upset sad proud grateful thankful confident worried afraid frustrated
  delighted outraged heartbroken ashamed fearful jealous
  suspended trapped drowned destroyed broken stolen missing lost
`);

/** Words of comparison and degree often used to judge: superlative-like forms not ending in -est. */
export const SUPERLATIVE_WORDS = words(`best worst most least greatest biggest largest finest`);

/** Sentence openers typical of argument rather than report. */
export const ARGUMENT_OPENERS = [
  'of course',
  'in fact',
  'after all',
  'indeed',
  'clearly',
  'surely',
  'obviously',
  'perhaps',
  'arguably',
  'in short',
  'in sum',
  'in other words',
  'to be sure',
  'to be fair',
  'the truth is',
  'the fact is',
  'the problem is',
  'the question is',
  'the point is',
  'the reality is',
  'the irony is',
  'worse',
  'better still',
  'worse still',
  'put simply',
  'simply put',
  'needless to say',
  'it is no wonder',
  'no wonder',
  'imagine',
  'consider',
  'suppose',
  'observe',
  'remember',
  "let's",
  'let us',
  'note that',
  'think of',
  'think about',
  'make no mistake',
  'as if',
  'never mind',
  'mind you',
  'if anything',
  'not that',
  'small wonder',
  'little wonder',
  'rest assured',
  'the bottom line',
  'to put it',
  'for all its',
  'for all their',
  'for all his',
  'for all her',
  'for all the',
  'sure enough',
  'to my mind',
];

/** Impersonal evaluation frames: "it is crucial that", "it is hard to see". */
export const IMPERSONAL_EVAL =
  /\b(it|this|that)\s*(is|was|would be|will be|seems|remains|'s|’s)\s+(not\s+)?(\w+ly\s+)?(crucial|essential|vital|important|imperative|necessary|critical|clear|obvious|evident|hard|difficult|easy|impossible|possible|likely|unlikely|true|false|fair|unfair|wrong|right|time|worth|unclear|ironic|telling|striking|remarkable|significant|noteworthy|notable|worrying|troubling|alarming|encouraging|understandable|sad|shameful|absurd|ridiculous|no secret|no surprise|no accident|no coincidence|a shame|a mistake|a disgrace|a pity)\b/i;

/**
 * A modal inside a clause that states what a plan, rule or idea provides ("a bill that would ban…", "the
 * idea that companies should serve…"): it reports the terms, it is not the writer's own conjecture or demand.
 */
export const FRAMED_MODAL =
  /\b(?:idea|notion|belief|principle|proposal|requirement|rule|law|bill|legislation|measure|plan|scheme|deal|agreement|treaty|policy|provision|order|ruling|demand|pledge|promise)s?,?\s+(?:that|which)\s+(?:[\w’'-]+\s+){0,4}?(would|could|might|may|must|should|shall|will)\b/gi;

/** Prescriptive phrases beyond the modals. */
export const PRESCRIPTIVE_PHRASES =
  /\b(need to|needs to|have to|has to|had better|ought to|it is time|it's time|it’s time|we must|we should|we need|let us|let's|let’s|should not|shouldn't|shouldn’t|must not|mustn't|cannot afford|can't afford|can’t afford|urge you|join us|sign up|take action|call on|calls on|demand that)\b/i;

/**
 * Openings and turns of a question that expects no answer: negative questions ("isn't it…"), challenges
 * ("who would…", "how can…"), and dismissals ("what of…", "…in the first place?").
 */
export const RHETORICAL_QUESTION =
  /^(isn't|aren't|wasn't|weren't|doesn't|don't|didn't|hasn't|haven't|shouldn't|wouldn't|couldn't|can't|won't|why not|why on earth|who (would|could|can|wouldn't|needs|cares)|what (could|can|would) (possibly|be more)|how (can|could|dare|long will|much longer)|what (of|about)|is it any wonder|is (it|this|that) (really|not)|does (anyone|anybody)|do (we|you) really|are we really|since when|what kind of|where is the)\b|\b(in the first place|anyway|really|seriously|after all|or not|of all things)\s*\?/;

/** Calls to action at the start of a sentence: bare imperatives. */
export const IMPERATIVE_OPENERS = words(`
  consider imagine remember note look think stop start join sign contact write call tell ask share support
  donate help urge demand visit attend engage follow stay read watch listen learn educate vote refuse resist
  act keep let don't don’t never do be go make take find get try use
`);

/** Month and weekday names and words anchoring an event in time: dates are the stuff of reporting. */
export const TIME_WORDS = words(`
  january february march april june july august september october november december jan feb mar apr jun
  jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday yesterday today tonight
  tomorrow weekend morning afternoon evening night week month year decade recent recently ago
`);

/** Known news outlets and broadcasters, to tell "told CNN" (outlet) from "told Putin" (audience). */
export const OUTLETS = [
  'CNN',
  'Reuters',
  'AP',
  'The Associated Press',
  'Associated Press',
  'AFP',
  'Agence France-Presse',
  'BBC',
  'Fox News',
  'Fox',
  'NBC',
  'NBC News',
  'CBS',
  'CBS News',
  'ABC',
  'ABC News',
  'MSNBC',
  'NPR',
  'PBS',
  'Bloomberg',
  'Bloomberg News',
  'The New York Times',
  'New York Times',
  'The Washington Post',
  'Washington Post',
  'The Wall Street Journal',
  'Wall Street Journal',
  'The Guardian',
  'Guardian',
  'The Times',
  'The Telegraph',
  'Financial Times',
  'The Economist',
  'Politico',
  'Axios',
  'Al Jazeera',
  'Sky News',
  'Der Spiegel',
  'Le Monde',
  'Interfax',
  'TASS',
  'RIA Novosti',
  'Xinhua',
  'Kyodo',
  'Yonhap',
  'Newsweek',
  'Time',
  'The Atlantic',
  'The Hill',
  'Truth Social',
  'X',
  'Twitter',
  'Facebook',
  'Telegram',
  'Instagram',
  'State of the Union',
  'Meet the Press',
  'Face the Nation',
  'This Week',
];

/** Words that never name a speaker even when capitalised at the start of a sentence. */
export const NON_SPEAKERS = words(`
  The A An This That These Those It Its There Here But And Or So Yet Then When While If As In On At For
  After Before Later Earlier Meanwhile However Also Still Even Just Only What Which Who Why How Where Such
  Some Many Most Several Both Each Every Another Other No Not One Although Though Because Since Unless Whether
  Consider Imagine Suppose Usually Often Presumably Perhaps Indeed Clearly Surely Now Today Yesterday Any All
  Nor Thus Hence Moreover Furthermore Instead Rather Nonetheless Nevertheless My Our Your His Her Their
`);

/**
 * Adjectives that sort things into kinds or place them in time rather than grade them: they say which, not
 * how good. Relational adjectives in -al, -ic, -ary, -ian, -ese, -ish and participles in -ed are excluded
 * by suffix in features.ts unless they are also evaluative.
 */
export const CLASSIFYING_ADJECTIVES = words(`
  other such same own many much few several more most less least first last next previous former latter
  new old recent current present future past early late earlier later annual daily weekly monthly yearly
  main chief primary secondary total whole entire full half single double only certain various particular
  specific general overall average human public private federal domestic foreign international global
  local rural urban northern southern eastern western central top senior junior male female young elderly
  left right far near high low able unable available possible due likely unlikely open closed free
  additional further direct indirect initial final tentative potential proposed existing
  second third fourth fifth sixth seventh eighth ninth tenth similar separate multiple individual
  immune infected vaccinated unvaccinated antiviral medical mental physical clinical genetic
  black white red blue green yellow brown rural suburban coastal online digital nuclear eligible subject
`);

/** -ly adverbs of time, frequency, manner of report or precision: they carry no stance. */
export const NEUTRAL_ADVERBS = new Set(
  `
  recently previously currently early daily weekly monthly yearly annually initially finally eventually
  formerly originally subsequently immediately shortly nearly only approximately roughly mostly partly
  largely mainly publicly privately reportedly officially jointly separately directly indirectly
  respectively nationally locally globally internationally politically economically financially legally
  physically mentally socially historically traditionally typically usually generally normally commonly
  frequently regularly occasionally rarely newly lately briefly partially fully likely already
  increasingly exactly precisely personally allegedly solely exclusively primarily repeatedly illegally
  lawfully unlawfully namely firstly secondly thirdly potentially temporarily permanently
  `
    .trim()
    .split(/\s+/),
);

/** "is a problem", "was a mistake": a copula naming an abstract judgement. */
export const GENERIC_NOUNS =
  /\b(is|are|was|were)\s+(a|an|the)?\s*(\w+\s+)?(problem|question|point|issue|lesson|truth|reality|danger|irony|tragedy|answer|mistake)\b/i;

/** Universal quantifiers and absolutes: sweeping claims are the writer's generalisation. */
export const GENERALISERS = words(`
  all every everyone everybody everything always never nothing nobody nowhere whatever whoever
`);

/**
 * Collective actors that commentary characterises as a bloc ("the media will try", "politicians use"),
 * where reporting would name a particular person or body.
 */
export const COLLECTIVE_ACTORS = words(`
  government governments politicians media journalists elites elite establishment left leftists liberals
  conservatives progressives socialists democrats republicans tories bureaucrats bureaucracy
  society people citizens taxpayers voters public americans westerners activists ideologues
`);

/**
 * Verbs (by lemma) that impute motive, blame or damage, or that describe policy through violent metaphor:
 * a report says what was done, commentary says what it "really" amounts to.
 */
export const LOADED_VERBS = words(`
  undermine erode sabotage wreck ruin destroy devour cripple gut poison infect corrupt rot squander waste
  betray abandon capitulate cave grovel pander peddle smear demonize demonise vilify whitewash obscure
  distort twist spin manipulate exploit weaponize weaponise hijack loot plunder fleece swindle con dupe
  deceive mislead lie pretend posture grandstand virtue-signal preach lecture moralize moralise scapegoat
  bully intimidate silence censor indoctrinate brainwash cling flail dither bungle botch blunder squander
  tout trumpet parrot regurgitate spew sneer scoff mock ridicule gloat whine wail shriek rant
  crush trample bulldoze steamroll shackle strangle choke bleed drain devalue cheapen debase degrade
  deserve fail succeed thrive flourish languish stagnate crumble collapse unravel implode backfire
`);

/**
 * Verbs (by lemma) of wanting, fearing, hoping and believing: without a source, the writer is claiming to
 * know what is in someone's head ("they want everyone to…", "the party fears…").
 */
export const MENTAL_STATE_VERBS = words(`want fear hope know think believe care intend wish`);

/**
 * Phrases that frame a claim as the writer's conclusion or put-down, including the writer drawing an
 * inference ("this shows", "which means", "that is why").
 */
export const STANCE_PHRASES =
  /\b(remains? to be seen|the (ultimate|real) (outcome|test|question)|offers? a glimpse|nothing (more|less|short) than|little more than|no more than a|far from (being )?(a|the)?|the (fact|idea|notion|myth|truth|reality) (is )?that|in (reality|truth|practice|effect)|so[- ]called|the (very )?(last|least|most) \w+ (thing|place|way)|there is no (doubt|question|excuse|reason|way)|it goes without saying|what('s| is) (more|worse|clear|striking|needed)|all (too|the more)|not (only|just) \w+ but|at (best|worst)|by (any|no) (measure|means|stretch)|of all (people|places|things)|let alone|the (real|true) (problem|question|issue|story|reason|cost)|(this|that|which|it|these) (shows|show|proves|prove|demonstrates|demonstrate|illustrates|underscores|means|is (why|how|what)|was (why|how))|(yet|just) another|one more (sign|example|case|reminder|instance)|a (kind|sort) of|(a|the) (testament|hallmark|epitome|height|antithesis|embodiment) (of|to)|a recipe for|the very definition of|amounts? to (little|nothing)|tantamount to|(no|little) (better|different) than|speaks volumes|(proves|belies|betrays) (that|how|the|a|its|their|his|her)|(my|our) (hope|view|belief|opinion|sense|fear|concern|guess|hunch|suspicion|contention) (is|was)|in my (view|opinion|judgement|judgment|experience)|i (think|believe|suspect|fear|doubt|reckon|feel|would argue|contend))\b/i;

/**
 * Pejorative labels of political commentary: words and phrases a reporter would put in quotation marks or
 * attribute to someone, never use in their own voice.
 */
export const LOADED_LABELS =
  /\b(witch[- ]hunts?|cover-?ups?|smear campaigns?|hit pieces?|fake news|(mainstream|legacy|corporate|lamestream) media|political class|chattering class(es)?|deep state|cabal|globalists?|illegals|radical left|loony left|hard left|alt-left|wokeness|wokeism|cancel culture|virtue[- ]signall?ing|nanny state|big government|big pharma|grifters?|grift|shills?|mouthpieces?|apologists|useful idiots?|talking heads|corporate welfare|gravy train|boondoggles?|pork[- ]barrel|slush funds?|jackboots?|police state|banana republic|kangaroo courts?|show trials?|clown show|dumpster fire|train ?wrecks?|indoctrination|scaremongering|alarmism|groupthink|echo chambers?|double standards?|zealotry|thuggery|lawlessness|doomsayers|naysayers|fanatics|crackpots?|charlatans?|lapdogs?|henchm[ae]n|overlords|elitists|power grabs?|cash grabs?|brainwashing|gaslighting|grandstanding|pearl-clutching|hand-wringing|navel-gazing|doublespeak|newspeak|thought police|snake oil|whataboutism|busybod(y|ies)|do-gooders|bleeding hearts|snowflakes|sycophants?|toadies|yes-men|apparatchiks|bigwigs|demagogues?|propagandists?|ruling class(es)?|open[- ]borders?)\b/gi;

/**
 * Figurative idioms and ironic formulas: the writer characterising events rather than reporting them.
 */
export const IDIOMS =
  /\b(at the end of the day|elephant in the room|slippery slope|tip of the iceberg|writing (is|was) on the wall|step in the right direction|wake-up call|smoke and mirrors|red herrings?|the last straw|nail in the coffin|drop in the (ocean|bucket)|band-aid|kick(s|ed|ing)? the can down the road|under the bus|cherry-pick(s|ed|ing)?|lip service|paper(s|ed|ing)? over|mov(e|es|ed|ing) the goalposts|bite the bullet|pie in the sky|house of cards|lesser of two evils|baby out with the bathwater|double-edged sword|heads? in the sand|rubber[- ]stamp(s|ed|ing)?|knee-jerk|a bridge too far|shoot(s|ing)? (itself|themselves|himself|herself) in the foot|trojan horse|sheep'?s clothing|sleight of hand|insult to injury|cart before the horse|beggars belief|defies (belief|logic|common sense)|open(s|ed|ing)? the floodgates|on steroids|recipe for disaster|no-brainer|low-hanging fruit|silver bullet|magic bullet|smoking gun|sacred cows?|fig leaf|window dressing|deckchairs|playing with fire|tail wagging the dog|heaven forbid|god forbid|surprise, surprise|go figure|who knew|lo and behold|enough is enough|spin doctors?|the emperor'?s new clothes|throw(s|ing)? money at|pay lip service|tough love|head in the clouds|bury the hatchet|falls? on deaf ears|a slap in the face|the icing on the cake|a tall order|rose-tinted|rose-colou?red|turn(s|ed)? a blind eye|in the same boat|the tip of the spear|bark(s|ing)? up the wrong tree|the pot calling the kettle|tip(s|ped)? the scales|kool-aid|crocodile tears|storm in a teacup|tempest in a teapot|pipe ?dream|too little,? too late|the straw that broke|a bitter pill|(a|the) ticking time bomb|a race to the bottom|gone are the days|out (of )?the window|hit a (raw )?nerve|poetic justice|a far cry from|par for the course|business as usual|more of the same|a perfect storm|the devil is in the detail|(add|adds|adding|added|pour|pours|pouring|poured) fuel (to|on) the (fire|flames)|fan(s|ned|ning)? the flames|sweep(s|ing)? (it |them |this |that )?under the (rug|carpet)|the chickens (have )?come home to roost|the thin end of the wedge|(finger|fingers|wet finger) in the air|above the parapet|push(es|ed|ing)? on a string|pyrrhic|a blank (cheque|check)|a free pass|a slap on the wrist|political football|cash cow|in the pocket of|bend(s|ing)? over backwards|a new low|flogging a dead horse|a solution in search of a problem|lipstick on a pig|the jury is (still )?out|(only )?time will tell|groundhog day|sour grapes|poster child|empty (promises|rhetoric|gestures?|words)|hollow (promises|words|victory)|word salad|crying wolf|(a|the) (bitter|hard) truth|writ large|in a nutshell|a step too far|how (convenient|ironic|fitting|quaint|typical|telling)|what a (surprise|shock|coincidence|joke|farce|mess|shame|waste)|yeah,? right|good luck with that|thanks a lot|so much for)\b/gi;

/** Common words that writers capitalise for emphasis ("it is NOT safe"); acronyms are not among them. */
export const EMPHASIS_WORDS = words(`
  NOT NEVER ALWAYS ALL NO NONE NOTHING VERY MUST REAL REALLY ANY EVERY ONLY EVER TOTALLY ABSOLUTELY
`);

/** Ideological blocs: "the Left says" characterises a camp rather than citing a source. */
export const BLOC_SPEAKERS = words(`
  left leftists liberals conservatives progressives socialists elites establishment right-wingers
  left-wingers globalists
`);

"""Common English given-name variants, for the synthetic generator and for matching.

Each group lists a formal name first and the short forms people register under. A name may
appear in more than one group (Chris: Christopher, Christine).
"""

from __future__ import annotations

from functools import cache

NAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("catherine", "kate", "katie", "cathy", "kath", "kathryn", "katherine", "kathy", "cat"),
    ("elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "libby", "elsie"),
    ("margaret", "maggie", "meg", "peggy", "marge"),
    ("rebecca", "becky", "becca"),
    ("jennifer", "jenny", "jen"),
    ("jessica", "jess", "jessie"),
    ("victoria", "vicky", "tori"),
    ("alexandra", "alex", "lexi", "sandra"),
    ("samantha", "sam", "sammy"),
    ("charlotte", "charlie", "lottie"),
    ("abigail", "abbie", "abby"),
    ("amelia", "millie", "amy"),
    ("emily", "em", "emmie"),
    ("isabella", "bella", "izzy", "isabel", "isobel"),
    ("olivia", "liv", "livvy"),
    ("sophia", "sophie"),
    ("eleanor", "ellie", "nell", "elle"),
    ("natasha", "tash", "tasha"),
    ("stephanie", "steph"),
    ("christine", "chris", "chrissie", "christina", "tina"),
    ("patricia", "pat", "patsy", "trish"),
    ("susan", "sue", "susie"),
    ("deborah", "debbie", "debs"),
    ("theresa", "tess", "terri", "teresa"),
    ("josephine", "jo", "josie"),
    ("joanne", "jo", "joanna"),
    ("gemma", "jemma"),
    ("louise", "lou", "louisa"),
    ("caroline", "carrie", "carol"),
    ("frances", "fran", "frankie"),
    ("hannah", "hanna"),
    ("zoe", "zoey"),
    ("william", "will", "bill", "billy", "liam", "willie"),
    ("robert", "rob", "bob", "bobby", "robbie", "bert"),
    ("richard", "rich", "rick", "ricky", "dick"),
    ("james", "jim", "jimmy", "jamie"),
    ("john", "jack", "johnny", "jon"),
    ("jonathan", "jon", "jonny"),
    ("michael", "mike", "mick", "mikey"),
    ("christopher", "chris", "kit"),
    ("matthew", "matt", "matty"),
    ("thomas", "tom", "tommy"),
    ("daniel", "dan", "danny"),
    ("david", "dave", "davey"),
    ("joseph", "joe", "joey"),
    ("benjamin", "ben", "benji", "benny"),
    ("alexander", "alex", "alfie", "xander"),
    ("samuel", "sam", "sammy"),
    ("nicholas", "nick", "nicky"),
    ("anthony", "tony", "ant"),
    ("andrew", "andy", "drew"),
    ("edward", "ed", "eddie", "ted", "teddy", "ned"),
    ("charles", "charlie", "chas", "chuck"),
    ("henry", "harry", "hal", "hank"),
    ("frederick", "fred", "freddie", "freddy"),
    ("alfred", "alfie", "alf"),
    ("oliver", "ollie", "olly"),
    ("joshua", "josh"),
    ("jacob", "jake"),
    ("nathan", "nate", "nathaniel"),
    ("zachary", "zach", "zak"),
    ("timothy", "tim", "timmy"),
    ("stephen", "steve", "stevie", "steven"),
    ("peter", "pete"),
    ("gregory", "greg"),
    ("philip", "phil", "phillip"),
    ("kenneth", "ken", "kenny"),
    ("ronald", "ron", "ronnie"),
    ("donald", "don", "donny"),
    ("raymond", "ray"),
    ("lawrence", "larry", "laurie", "laurence"),
    ("terence", "terry"),
    ("leonard", "leo", "len", "lenny"),
    ("theodore", "theo", "ted", "teddy"),
    ("sebastian", "seb"),
    ("maximilian", "max"),
    ("archibald", "archie"),
    ("gabriel", "gabe"),
    ("mohammed", "muhammad", "mohammad", "mohamed"),
)


@cache
def variants_of(name: str) -> frozenset[str]:
    """Every name that may stand for `name` (itself included), lower case."""
    key = name.strip().lower()
    found = {key}
    for group in NAME_GROUPS:
        if key in group:
            found.update(group)
    return frozenset(found)


def are_variants(a: str, b: str) -> bool:
    return b.strip().lower() in variants_of(a)


@cache
def canonical(name: str) -> str:
    """A stable key shared by a name's variants: the first formal name of its first group."""
    key = name.strip().lower()
    for group in NAME_GROUPS:
        if key in group:
            return group[0]
    return key

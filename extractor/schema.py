"""The schema of a family's rules file: every section, key and type, defined once.

`load_rules` checks each file against it when it loads it: an unknown key (a typo such as
`hedaer:`), a wrong type, a pattern that does not compile, or a column role that no output
column names is refused with one line naming the file and the key. docs/rules-schema.md is
generated from these models (`python scripts/rules_schema.py`), so the documentation and the
checks cannot drift apart.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"pattern does not compile ({exc}): {pattern!r}") from None
    return pattern


Regex = Annotated[str, AfterValidator(_compiles)]
"""A Python regular expression; checked to compile when the file is loaded."""

NEVER = r"(?!x)x"  # the pattern that matches nothing: the default of an optional mark


class Section(BaseModel):
    """A rules section: unknown keys are refused, so a typo never falls back to a default."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- detection and codes ------------------------------------------------------------------------


class Detect(Section):
    all: list[Regex] = Field(default_factory=list, description="Patterns that must all occur in the first pages.")
    any: list[Regex] = Field(default_factory=list, description="At least one of these must occur (none: no test).")


class CodeLevelSpec(Section):
    level: str = Field(description="Level name given to rows whose code matches (OP, IOP, …).")
    pattern: Regex = Field(description="Full-code regex with named groups; the first level that matches wins.")
    parent: str | None = Field(None, description="Parent code template filled from the pattern's groups ('OP.{o}').")


class NamedRow(Section):
    level: str = Field(description="Level given to a row recognised by its name instead of a code.")
    code: str = Field("", description="Code given to such a row ('' for none).")
    name_pattern: Regex = Field(description="Regex on the row's name (case-insensitive).")


class Numbering(Section):
    column: str = Field(description="Output column holding the counter.")
    levels: list[str] = Field(description="Levels numbered 1..N in document order.")
    inherit: list[str] = Field(default_factory=list, description="Levels that take their parent's number.")


class Codes(Section):
    levels: list[CodeLevelSpec] = Field(description="The code grammar, one entry per level.")
    named_rows: list[NamedRow] = Field(default_factory=list, description="Rows without a code, told by their name.")
    indicator_levels: list[str] = Field(default_factory=list, description="Levels whose rows are indicators.")
    objective_level: str = Field("", description="Level whose progress averages its indicators.")
    numbering: Numbering | None = Field(None, description="A counter column (e.g. the service number).")
    token: Regex | None = Field(None, description="Loose shape of anything that looks like a code in damaged text.")
    scanned_token: Regex | None = Field(
        None, description="Shape of a code on a scan whose letters were misread as any glyph ('0>.04' for OP.04): "
        "a word of the code column that opens a row."
    )


# ---- page reading -------------------------------------------------------------------------------


class Text(Section):
    join_hyphen_wraps: bool = Field(
        False, description="A line ending in a hyphen glued to a word continues without a space."
    )


class Blocks(Section):
    start: Regex = Field(description="A line that opens a block heading.")
    pattern: Regex = Field(description="The whole heading; its named groups become the heading row's cells.")
    bar: Literal["required", "optional"] = Field("required", description="Whether a coloured bar must sit under it.")
    bar_min_width: float = Field(0.5, ge=0, le=1, description="Least bar width, as a share of the table width.")
    continue_without_header: bool = Field(
        False, description="A table may run on at the top of the next page without a repeated header."
    )


class Table(Section):
    ruled_body: bool = Field(True, description="Horizontal rules inside the table body separate rows.")


class HeaderGroup(Section):
    labels: list[str] = Field(min_length=1, description="Label synonyms of a spanning group header.")
    sub: dict[str, list[str]] | None = Field(None, description="Column role → sub-header label synonyms.")
    years: str | None = Field(None, description="Role template for year sub-columns ('expected_{year}').")


class Header(Section):
    anchor: list[str] = Field(min_length=1, description="Labels that tell a line of the page is the table header.")
    columns: dict[str, list[str]] = Field(description="Column role → header label synonyms (matched fuzzily).")
    groups: list[HeaderGroup] = Field(default_factory=list, description="Spanning headers with sub-columns.")
    min_share: float = Field(
        0.7, gt=0, le=1, description="Share of the columns and groups above a header must print to be this family's."
    )


class SummaryColumnSpec(Section):
    name: str = Field(description="The summary.csv column.")
    labels: list[str] = Field(default_factory=list, description="Printed header and synonyms; the first names it.")
    counts: Literal["progress", "not_numeric", "all"] = Field(
        "progress", description="Rows whose progress is in [from, below); ND or none; or every row."
    )
    from_: float | None = Field(None, alias="from", description="Inclusive lower bound (progress columns).")
    below: float | None = Field(None, description="Exclusive upper bound; null: unbounded.")


class Summary(Section):
    groups: list[str] = Field(default_factory=list, description="Row labels of the summary-counts table.")
    columns: list[SummaryColumnSpec] = Field(
        default_factory=list, description="The count columns in printed order (none: no summary table)."
    )


class FurnitureText(Section):
    labels: list[str] = Field(default_factory=list, description="Labels of the page-header block ('Sector:').")
    markers: list[Regex] = Field(default_factory=list, description="Call-out markers beside it: dropped.")
    headings: list[str] = Field(default_factory=list, description="Headings of call-out notes, restored when clipped.")


# ---- validation ---------------------------------------------------------------------------------


class ValidateYears(Section):
    printed: list[str] = Field(default_factory=list, description="Year groups that must cover the same years.")
    within: list[str] = Field(default_factory=list, description="Year groups that may only use those years.")


class Validate(Section):
    values: list[str] = Field(default_factory=list, description="Value columns given `__parses`/`__number` helpers.")
    allowed: dict[str, list[str]] = Field(default_factory=dict, description="Categorical column → allowed values.")
    years: ValidateYears = Field(default_factory=ValidateYears)


# ---- repair -------------------------------------------------------------------------------------


class HeadWordSpec(Section):
    levels: list[str]
    pattern: Regex


class IndicatorEvidence(Section):
    columns: list[str] = Field(default_factory=list, description="Value columns (globs) an indicator fills.")
    min_cells: int = Field(2, ge=0, description="How many of them at least.")


class CutNames(Section):
    min_occurrences: int = Field(2, ge=1)
    min_words: int = Field(2, ge=1)
    agreement: float = Field(0.8, gt=0, le=1)


class Weights(Section):
    """How much each piece of evidence counts for a code candidate; the rules file says why."""

    printed_exact: float = Field(description="The printed text (or its prefix) is the code as printed.")
    prefix_clipped: float = Field(description="The prefix is missing or clipped on the left.")
    prefix_read: float = Field(description="The prefix is the literal once OCR confusions are read.")
    prefix_read_clipped: float = Field(description="… and clipped on the left.")
    prefix_fuzzy: float = Field(description="The most a prefix that is merely alike earns.")
    other_level: float = Field(description="The printed text has another number of groups.")
    alike_neutral: float = Field(description="% likeness at which a printed code is neutral evidence.")
    alike_span: float = Field(description="% likeness more (less) than that for full support (contradiction).")
    fills_values: float = Field(description="The row fills values as rows of the level do (or not: negative).")
    head_word: float = Field(description="The name starts with a head word of the level (another: negative).")
    parent_known: float = Field(description="The code's parent was printed above.")
    parent_above: float = Field(description="… on the row just above.")
    expected_next: float = Field(description="The next sibling or first child of the codes above.")
    child_below: float = Field(description="The parent of the next row's printed code.")
    in_catalog: float = Field(description="A code of the catalog (--catalog).")
    catalog_name: float = Field(description="A catalog code whose row's name is this row's.")
    seen_before: float = Field(description="A code already given to a row above (negative).")


class Confidence(Section):
    accept: float = Field(description="Least score of the best code candidate.")
    margin: float = Field(description="Least lead of the best candidate over the next.")
    weights: Weights = Field(description="The named evidence weights that make a score.")


class Repair(Section):
    head_words: list[HeadWordSpec] = Field(default_factory=list, description="Words a name starts with, by level.")
    indicator_evidence: IndicatorEvidence = Field(default_factory=IndicatorEvidence)
    level_cells: dict[str, list[str] | None] = Field(
        default_factory=dict, description="Level → the only cells (globs) its rows print besides code and name."
    )
    text_columns: list[str] = Field(default_factory=lambda: ["name"], description="Free-text columns.")
    vocabulary: list[str] = Field(default_factory=list, description="Words of this family besides _ocr.yaml's.")
    label_columns: list[str] = Field(default_factory=list, description="Text columns that hold short labels.")
    value_grammar: dict[str, Literal["value", "year"]] = Field(
        default_factory=dict,
        description="Value column (glob) → what its cells hold: `value` (a number, a percentage or ND; the "
        "default) or `year`. An OCR'd value is repaired only into a reading its grammar accepts.",
    )
    stray_cells: list[Regex] = Field(default_factory=list, description="Cell texts that are never data.")
    rule_marks: Regex = Field("^[|]$", description="Vertical-rule marks read as characters.")
    code_trailing_mark: Regex = Field(NEVER, description="A margin mark printed after the code.")
    function_words: list[str] = Field(default_factory=list, description="Words that cannot end a name.")
    complete_cut_names: CutNames = Field(default_factory=CutNames)
    confidence: Confidence = Field(description="How sure a code repair must be.")


# ---- reconciliation -----------------------------------------------------------------------------


class Directions(Section):
    ascending: list[str] = Field(default_factory=list)
    descending: list[str] = Field(default_factory=list)
    neutral: list[str] = Field(default_factory=list)


class Implausible(Section):
    percent_names: list[Regex] = Field(default_factory=list)
    percent_max: float | None = None
    jump_ratio: float | None = None
    falling_targets: bool = False


Severity = Literal["error", "warning", "info"]


class Wording(Section):
    levels: dict[str, str] = Field(default_factory=dict, description="Level → the word messages use for it.")
    below_target: str = Field("", description="How the text says services missed their target.")
    direction_inferred_by: str = Field("", description="Who infers a direction from the targets.")


class NotRecomputable(Section):
    number: Severity | None = "info"
    other: Severity | None = "info"


class Reconcile(Section):
    progress_years: Literal["last", "all"] = Field("last", description="Which printed progress columns are recomputed.")
    cap_printed: float | None = Field(None, description="Cap applied to the printed indicator progress.")
    cap_when_averaging: float | None = Field(None, description="Cap on each indicator when averaging an objective.")
    objective_rollup: bool = False
    summary_counts: bool = False
    infer_direction_from_targets: bool = False
    infer_direction_over: Literal["year", "series"] = "year"
    flat_targets_direction: str | None = None
    mixed_targets: Severity | None = None
    not_recomputable: NotRecomputable = Field(default_factory=NotRecomputable)
    directions: Directions = Field(default_factory=Directions)
    cumulative: list[str] = Field(default_factory=list, description="Aggregation labels that mean accumulated.")
    wording: Wording = Field(default_factory=Wording, description="Family words used in finding messages.")
    summary_levels: dict[str, str] = Field(default_factory=dict, description="Summary group → level it counts.")
    implausible: Implausible = Field(default_factory=Implausible)


# ---- narrative claims ---------------------------------------------------------------------------


class ClaimTarget(Section):
    subject: str
    field: str


class Claim(Section):
    kind: str
    pattern: str = Field(
        description="Regex after `{N}` (a printed number), `{P}` (a percent: '%' or 'por ciento'), `{C}` (a count "
        "in digits or a word of `number_words`) and spaces are expanded."
    )
    subject: str = ""
    values: dict[str, str | ClaimTarget] = Field(default_factory=dict)


class ServiceClaim(Section):
    kind: str
    pattern: str


class ClaimTable(Section):
    kind: str
    layout: Literal["year_columns", "labelled_columns", "year_runs"]
    header: Regex
    column: Regex | None = None
    columns: list[tuple[Regex, str]] | None = None
    field: str | None = None
    row: Regex
    subject: str
    after: Regex | None = None
    runs: list[str] | None = None
    total_subject: str | None = None


class ServiceSubject(Section):
    prefix: str = Field("", description="Prefix of a service subject in claims ('S.'); empty: none.")
    digits: int = Field(1, ge=1, description="Digits of the service number (zero-padded).")


class BandStatements(Section):
    total: list[str] = Field(
        default_factory=list, description="Phrases stating the total in group `total`; `{C}` a count."
    )
    part: str = Field(description="One '<count> … <band>' part: groups `count` and `band`; `{C}` a count.")
    bands: dict[str, list[Regex]] = Field(
        default_factory=dict, description="Summary column → words naming its band (else its range limits decide)."
    )


class Narrative(Section):
    service_subject: ServiceSubject = Field(default_factory=ServiceSubject)
    number_words: dict[str, int] = Field(default_factory=dict, description="Counts written as words ('dos': 2).")
    band_statements: BandStatements | None = Field(
        None, description="Sentences counting a group's indicators by progress band, in any phrasing."
    )
    replace: list[tuple[Regex, str]] = Field(default_factory=list, description="Substitutions before matching.")
    group_aliases: dict[str, str] = Field(default_factory=dict)
    service_headings: list[Regex] = Field(default_factory=list)
    section_ends: list[Regex] = Field(default_factory=list)
    service_claims: list[ServiceClaim] = Field(default_factory=list)
    orphans: list[str] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    tables: list[ClaimTable] = Field(default_factory=list)


# ---- corpus mode ------------------------------------------------------------------------------


class Corpus(Section):
    group_by: list[str] = Field(
        default_factory=list,
        description="Metadata keys (or `first_year`, the first printed year) naming the plan a report follows: "
        "reports with equal values form one series. Empty: reports are never compared.",
    )
    year_from: str = Field(
        "obtained_{year}", description="The year a report covers: the last year with a number in this column."
    )
    compare: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Change rule id → the columns it watches (`{year}`: every year both reports print).",
    )
    progress_inputs: list[str] = Field(
        default_factory=list,
        description="Columns equal in both reports when a changed progress is `progress_restated`.",
    )


# ---- the file -----------------------------------------------------------------------------------


class FamilyRules(Section):
    """One report family's rules file (extractor/families/rules/<family>.yaml)."""

    family: str = Field(description="Must equal the file name's stem.")
    title: str = Field("", description="What the family is, for people.")
    detect: Detect = Field(default_factory=Detect, description="How the family is recognised from page text.")
    codes: Codes = Field(description="The code grammar and hierarchy.")
    text: Text = Field(default_factory=Text, description="How words join into cell text.")
    blocks: Blocks | None = Field(None, description="Tables that come as small blocks under heading bars.")
    table: Table = Field(default_factory=Table, description="How the table body is drawn.")
    header: Header = Field(description="Column header labels, matched fuzzily.")
    output_columns: list[str] = Field(min_length=1, description="Columns of rows.csv; `{years}` expands per year.")
    furniture: list[Regex] = Field(default_factory=list, description="Lines that are never rows.")
    furniture_text: FurnitureText = Field(
        default_factory=FurnitureText, description="Page-header text cleaned before metadata is read."
    )
    metadata: dict[str, Regex] = Field(default_factory=dict, description="Metadata key → regex with a `v` group.")
    summary: Summary = Field(default_factory=Summary, description="The printed summary-counts table.")
    validate_: Validate = Field(
        default_factory=Validate, alias="validate", description="Helper columns the expectation suites check."
    )
    repair: Repair = Field(description="How damaged codes and rows are repaired.")
    reconcile: Reconcile = Field(default_factory=Reconcile, description="How the printed figures are computed.")
    narrative: Narrative = Field(default_factory=Narrative, description="Numeric claims in the report's text.")
    corpus: Corpus = Field(default_factory=Corpus, description="How reports of one plan are compared (corpus mode).")


class TextMarks(Section):
    lone: Regex = Field(NEVER, description="A token dropped wherever it stands alone between words.")
    edge: Regex = Field(NEVER, description="A token dropped alone at the start or end of a cell.")
    glued: Regex = Field(NEVER, description="A character dropped glued to the outer side of a cell's end word.")
    letter: Regex = Field(NEVER, description="A lone lower-case letter that is no word, at either end of a cell.")
    in_capitals: dict[str, str] = Field(default_factory=dict, description="A mark in a word in capitals → letter.")


class ValueMarks(Section):
    strip: list[Regex] = Field(default_factory=list, description="Marks around a value, removed.")
    readings: dict[str, str] = Field(default_factory=dict, description="Characters in a number → digit or separator.")
    edge_glyphs: int = Field(
        0, ge=0, description="At most this many non-digit glyphs cut from either end of an OCR'd value that "
        "does not parse, when what is left does."
    )
    speck_digits: list[str] = Field(
        default_factory=list, description="Digits a speck or a sliver of an erased rule reads as inside an OCR'd "
        "figure (\"1\" in \"291.0%\" for 29.0%): dropped where the figure is out of its peers' scale and one "
        "fewer is in it."
    )
    not_available: list[str] = Field(
        default_factory=list, description="Not-available marks a figure cell may print (\"ND\"): OCR reads a doubtful "
        "figure's cell again with only digits, separators, \"%\" and these marks' letters, and keeps such a mark."
    )


class NarrativeMarks(Section):
    joined: Regex = Field(NEVER, description="Marks glued between two lower-case letters of running text: a space.")
    trailing: Regex = Field(NEVER, description="A mark glued to the end of a word before a space: dropped.")
    leading: Regex = Field(NEVER, description="A mark glued to the start of a lower-case word after a space: dropped.")
    fold_accents: bool = Field(
        False, description="On OCR'd pages the phrase patterns take a vowel with or without an accent (specks)."
    )
    letters: dict[str, str] = Field(
        default_factory=dict,
        description="A mark glued to the end of a word (before a space or a letter) that stands for a letter: "
        "\"E!\" for \"El\", \"pena!\" for \"penal\".",
    )
    speck: Regex = Field(NEVER, description="A token of a small table's row that is a speck, not a cell.")
    scrap: Regex = Field(
        NEVER, description="A token past a small table row's figures that is a scrap of a speck line the scan "
        "joined to the row (\"OP.01 78.00% 67.30% Ao\"): dropped, where the figures fill the row."
    )


class LookAlike(Section):
    """Glyphs a degraded scan reads one for another (toner dropout, blur, specks): each step costs one."""

    groups: list[str] = Field(
        default_factory=list, description="Sets of letters any two of which a scan reads one for the other."
    )
    pairs: list[tuple[str, str]] = Field(
        default_factory=list, description="Glyph runs read for another run, both ways (\"rn\" for \"m\")."
    )
    thin: str = Field("", description="Glyphs a scan loses or reads out of a speck: one may be missing or extra.")
    max_steps: list[tuple[int, int]] = Field(
        default_factory=list,
        description="(letters, steps): a word read with at least so many letters may be so many steps away.",
    )
    listed_from: int = Field(
        8, ge=1, description="Letters a word read needs before the word list's words are candidates (shorter: only "
        "the document's own words).",
    )


class OcrConfusions(Section):
    """The print and OCR confusions shared by every family (extractor/families/rules/_ocr.yaml)."""

    code_prefix_readings: dict[str, list[str]] = Field(
        default_factory=dict, description="A character of a code prefix → the letters it may stand for."
    )
    code_digit_readings: dict[str, str] = Field(
        default_factory=dict, description="A character in a code's number → the digit it stands for."
    )
    code_group_glyphs: dict[str, str] = Field(
        default_factory=dict, description="Glyphs (or runs) a scan reads for a digit inside a code's numeric group, "
        "between its separator and a digit (\"LN.(3.03\", \"OP.()4\", \"OP.c4\"): what opens a row on a page image."
    )
    code_specks: str = Field(
        "", description="Glyphs a scan glues to a code's ends (rules, dust, brackets), stripped before its shape is "
        "judged."
    )
    letter_confusions: list[tuple[str, str]] = Field(
        default_factory=list, description="Letters misread inside words: printed → meant."
    )
    image_letter_confusions: list[tuple[str, str]] = Field(
        default_factory=list,
        description="Letters misread only off a page image (OCR), never in a text layer: printed → meant.",
    )
    text_marks: TextMarks = Field(default_factory=TextMarks, description="Specks read as punctuation in text.")
    value_marks: ValueMarks = Field(default_factory=ValueMarks, description="Marks in value cells.")
    markup: list[Regex] = Field(default_factory=list, description="Markup left in extracted text, removed.")
    narrative_marks: NarrativeMarks = Field(
        default_factory=NarrativeMarks, description="Specks in a scan's running text, read before its claims."
    )
    vocabulary: list[str] = Field(default_factory=list, description="Words a damaged document may never print intact.")
    digit_confusions: list[tuple[str, str]] = Field(
        default_factory=list,
        description="Digits a degraded scan reads one for the other however sure it is, both ways: a finding "
        "one such misread of one of its figures explains is a warning on a scan, not an error.",
    )
    inflection_letters: str = Field(
        "", description="Letters the language's word endings differ by (gender, number): an OCR'd word that "
        "differs from a known word only in such an ending is another form of it, not a misreading."
    )
    word_list: str = Field(
        "", pattern=r"^([\w.-]+\.txt(\.gz)?)?$",
        description="A file beside this one listing the language's words, one a line, lower case (gzip allowed): an "
        "OCR'd word it does not list may be read back to the one listed word it looks like (`look_alike`).",
    )
    word_forms: list[tuple[str, str]] = Field(
        default_factory=list,
        description="(ending, other ending): forms of the word list's words it may not hold (\"o\" → \"as\").",
    )
    accented_endings: list[tuple[str, str]] = Field(
        default_factory=list,
        description="(bare, accented): word endings the language always writes accented; an OCR'd word read with "
        "the bare one lost its accent.",
    )
    strokes: str = Field(
        "", description="Glyphs that are one vertical stroke (I, l, 1, |): in an acronym a scan reads one for another.",
    )
    stroke_letter: str = Field(
        "", pattern=r"^\w?$", description="The lower-case letter that is one stroke: a stroke glued after a word "
        "that is no letter (\"contro!\") may be it.",
    )
    look_alike: LookAlike = Field(
        default_factory=lambda: LookAlike(),
        description="Glyphs a degraded scan reads one for another, for reading a word back to the language's word.",
    )


# ---- checks the types cannot express ------------------------------------------------------------

YEAR_TEMPLATES = ("{year}", "{years}", "{progress_years}")


def _role_pattern(template: str) -> re.Pattern[str]:
    """'expected_{years}' and 'expected_{year}' both stand for 'expected_2024'."""
    text = re.escape(template)
    for mark in YEAR_TEMPLATES:
        text = text.replace(re.escape(mark), r"\d{4}")
    return re.compile(text)


def unnamed_roles(spec: FamilyRules) -> list[tuple[str, str]]:
    """Header column roles that no output column names, as (key path, role)."""
    outputs = [_role_pattern(c) for c in spec.output_columns]

    def named(role: str) -> bool:
        sample = role
        for mark in YEAR_TEMPLATES:
            sample = sample.replace(mark, "2024")
        return any(p.fullmatch(sample) for p in outputs)

    missing = [(f"header.columns.{role}", role) for role in spec.header.columns if not named(role)]
    for i, group in enumerate(spec.header.groups):
        roles = [*(group.sub or {})] + ([group.years] if group.years else [])
        missing += [(f"header.groups[{i}]", role) for role in roles if not named(role)]
    return missing


def first_error(exc: ValidationError, model: type[BaseModel]) -> str:
    """One line: the key path and what is wrong with it. An unknown key is named before the
    required key it was probably meant to be ("hedaer" before "header missing")."""
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    err = errors[0]
    path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in err["loc"]).replace(".[", "[")
    if err["type"] == "extra_forbidden":
        known = _keys_at(model, err["loc"][:-1])
        guess = difflib.get_close_matches(str(err["loc"][-1]), known, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        return f"{path}: unknown key{hint}"
    if err["type"] == "missing":
        return f"{path}: required key missing"
    message = err["msg"].removeprefix("Value error, ")
    return f"{path}: {message}"


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a section at `loc` accepts (for a "did you mean" hint); [] where it is not a model."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _model_in(annotation: Any) -> Any:
    """The section model inside `X | None` or `list[X]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None

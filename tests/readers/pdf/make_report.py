"""Writes `ops-quarterly-review.pdf`: a company report shaped like the ones people upload (a cover, a contents page
with dot leaders, a running header, "Page N of M" footers, numbered chapters and sub-sections with a two-level
outline, justified paragraphs, lists and a metrics table).

Run from the project root: `.venv/bin/python -m tests.readers.pdf.make_report`. The output is deterministic
(`invariant=1`), so re-running it gives the same bytes; the PDF is checked in and the tests read it as it is.
Written for the tests of the PDF reader (CC0-1.0, see LICENSE.txt).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

OUTPUT = Path(__file__).with_name("ops-quarterly-review.pdf")

COMPANY = "Northwind Shop Ltd."
TITLE = "Q3 2026 Operations Review"
SUBTITLE = "Acquisition, activation and retention at Northwind Shop, with the plan for the fourth quarter"
DATE = "14 October 2026"
RUNNING_HEADER = "Northwind Shop · Q3 Operations Review"
HEADER_RIGHT = "Internal"

# Words the hyphenator may break at a line end (a dictionary hyphenator, as pyphen would give, kept tiny here).
HYPHENATION = {
    "subscription": ["sub", "scrip", "tion"],
    "subscriptions": ["sub", "scrip", "tions"],
    "personalisation": ["per", "son", "al", "isa", "tion"],
    "recommendations": ["rec", "om", "men", "da", "tions"],
    "unfortunately": ["un", "for", "tu", "nate", "ly"],
    "considerably": ["con", "sid", "er", "ably"],
}


def hyphenate(word: str) -> list[tuple[str, str]]:
    """(head, tail) pairs for `word`, longest head first, as reportlab's `hyphenationLang` callable expects."""
    parts = HYPHENATION.get(word.lower())
    if not parts:
        return []
    pairs = []
    for cut in range(len(parts) - 1, 0, -1):
        head = sum(len(p) for p in parts[:cut])
        pairs.append((word[:head], word[head:]))
    return pairs


BODY = ParagraphStyle(
    "body", fontName="Times-Roman", fontSize=11, leading=15, spaceAfter=7, alignment=TA_JUSTIFY,
    hyphenationLang=hyphenate,
)  # fmt: skip
H1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=17, leading=22, spaceBefore=16, spaceAfter=10)
H2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=6)
ITEM = ParagraphStyle("item", parent=BODY, spaceAfter=3)
CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=9, leading=11)
CELL_HEAD = ParagraphStyle("cell_head", parent=CELL, fontName="Helvetica-Bold")
CAPTION = ParagraphStyle("caption", parent=BODY, fontSize=9, leading=12, fontName="Times-Italic", spaceBefore=4)
COVER_TITLE = ParagraphStyle("cover_title", fontName="Helvetica-Bold", fontSize=30, leading=36, spaceAfter=18)
COVER_SUB = ParagraphStyle("cover_sub", fontName="Helvetica", fontSize=15, leading=20, spaceAfter=40)
COVER_META = ParagraphStyle("cover_meta", fontName="Helvetica", fontSize=12, leading=18)
CONTENTS = ParagraphStyle("contents", fontName="Helvetica-Bold", fontSize=20, leading=26, spaceAfter=18)


@dataclass
class Section:
    """A chapter (level 1) or sub-section (level 2): its numbered heading and the flowables under it."""

    number: str
    heading: str
    blocks: list[Any] = field(default_factory=list)
    level: int = 1

    @property
    def title(self) -> str:
        return f"{self.number} {self.heading}"


def p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(text, style)


def numbered(items: list[str]) -> ListFlowable:
    return ListFlowable(
        [ListItem(p(item, ITEM), leftIndent=18) for item in items], bulletType="1", bulletFormat="%s.",
        bulletFontName="Times-Roman", bulletFontSize=11, leftIndent=18,
    )  # fmt: skip


def bulleted(items: list[str]) -> ListFlowable:
    return ListFlowable(
        [ListItem(p(item, ITEM), leftIndent=18) for item in items], bulletType="bullet", start="•",
        bulletFontName="Helvetica", bulletFontSize=9, leftIndent=18,
    )  # fmt: skip


def metrics_table(rows: list[list[str]], widths: list[float]) -> Table:
    data = [[p(cell, CELL_HEAD) for cell in rows[0]], *rows[1:]]
    table = Table(data, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#4a5a70")),
                ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.HexColor("#4a5a70")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f6f9")]),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


CHANNEL_ROWS = [
    ["Channel", "New customers", "Share", "Cost per customer", "First-order value"],
    ["Organic search", "1,840", "31%", "€4.10", "€41.20"],
    ["Paid search", "1,510", "26%", "€27.80", "€38.90"],
    ["Instagram ads", "1,020", "17%", "€33.50", "€29.60"],
    ["Referral programme", "860", "15%", "€9.00", "€46.70"],
    ["Marketplace listings", "650", "11%", "€12.40", "€24.10"],
]


def sections() -> list[Section]:
    return [
        Section(
            "1",
            "Summary",
            [
                p(
                    "The third quarter was the first in which Northwind Shop grew without relying on discounts. We won "
                    "5,880 new customers, nine percent more than in the second quarter, while the blended cost of "
                    "acquiring a customer fell from €21.60 to €18.90. Revenue reached €612,000, and for the first time "
                    "more than half of it came from customers who had already ordered from us before."
                ),
                p(
                    "Two things went less well. Activation stalled: the share of new customers who placed a second "
                    "order within thirty days stayed flat at 22 percent, although we rewrote the welcome emails twice. "
                    "And the refill subscription, which we launched in June with high hopes, lost more subscribers in "
                    "September than it gained, mostly because of a payment problem we noticed far too late."
                ),
                p(
                    "The fourth quarter will therefore focus on the first thirty days of a customer's life rather than "
                    "on buying more traffic. The plan in chapter 5 moves budget from Instagram ads to the referral "
                    "programme and gives activation a single owner for the first time."
                ),
            ],
        ),
        Section(
            "2",
            "Acquisition",
            [
                p(
                    "Acquisition is where most of our money and most of our meetings go, so this chapter is the "
                    "longest. It looks at the mix of channels first, then at paid search, which grew the most, and "
                    "finally at partnerships and referrals, which grew the least in volume but brought the customers "
                    "who stayed."
                ),
            ],
        ),
        Section(
            "2.1",
            "Channel mix",
            [
                p(
                    "Organic search remained our largest channel, bringing 31 percent of new customers at almost no "
                    "marginal cost, because the buying guides we published in the spring finally began to rank for "
                    "questions people actually ask before they buy loose-leaf tea, such as how long an opened bag "
                    "keeps its aroma and whether a cheap kettle with a temperature setting is worth having at all."
                ),
                metrics_table(CHANNEL_ROWS, [3.6 * cm, 2.6 * cm, 1.5 * cm, 3.1 * cm, 3.1 * cm]),
                p("Table 1. New customers by acquisition channel, July to September 2026.", CAPTION),
                p(
                    "The referral programme brought the most valuable first orders, at €46.70 on average, while "
                    "marketplace listings brought the cheapest ones. Marketplace customers also rarely come back to "
                    "our own shop, so we count them separately in every retention figure in this review, and we treat "
                    "the marketplace as a shop window for people who would never have found us otherwise rather than "
                    "as a channel we intend to grow."
                ),
            ],
        ),
        Section(
            "2.2",
            "Paid search",
            [
                p(
                    "Paid search grew from 1,090 to 1,510 new customers after we split the brand and generic campaigns "
                    "in July and stopped bidding on our own name in regions where we already ranked first. The saved "
                    "budget went to generic terms around gift boxes, which convert well in the weeks before holidays "
                    "but poorly at other times of the year."
                ),
                p(
                    "Cost per customer rose slightly, from €26.10 to €27.80, which we consider acceptable for the "
                    "volume gained. Unfortunately the agency report that we relied on until August counted a returning "
                    "customer who clicked an ad as a new one, which inflated the channel's results by roughly a fifth; "
                    "every paid search figure in this review has been recomputed from our own order data, and the "
                    "agency now receives a weekly export of first orders so that the two sets of numbers can be "
                    "reconciled before anyone presents them."
                ),
                p(
                    "A search campaign that looks cheap in the agency dashboard can still be expensive in our own "
                    "order data. We will only trust the figures we can reconcile with first orders in the shop."
                ),
            ],
        ),
        Section(
            "2.3",
            "Partnerships and referrals",
            [
                p(
                    "The referral programme gives both the existing customer and the friend they invite a €5 credit "
                    "after the friend's first order has shipped. It is a simple mechanism and it has barely changed "
                    "since 2024, yet it produced 860 new customers this quarter at a cost of €9.00 each, and those "
                    "customers ordered a second time far more often than anyone else."
                ),
                p(
                    "Our partnership with three independent cafés in Leeds, where we sell sample tins at the counter, "
                    "is still small. It brought about ninety customers this quarter, but they spend considerably more "
                    "than average on their first order, and the café owners tell us that people ask for the tins by "
                    "name. We intend to extend the arrangement to two more cafés before Christmas."
                ),
                p(
                    "Referred customers placed a second order within thirty days almost twice as often as customers "
                    "from paid channels. This is the main reason chapter 5 moves money towards referrals."
                ),
            ],
        ),
        Section(
            "3",
            "Activation",
            [
                p(
                    "We call a customer activated when they place a second order within thirty days of the first. The "
                    "measure is crude, but it predicts twelve-month value better than anything else we have tried, "
                    "including the number of emails opened and the number of products viewed on the second visit."
                ),
            ],
        ),
        Section(
            "3.1",
            "The first order",
            [
                p(
                    "Activation depends more on the first parcel than on anything we say afterwards. Customers whose "
                    "first order arrived within two working days activated at 27 percent; customers who waited four "
                    "days or more activated at only 15 percent. The slow parcels were almost all sent with the cheaper "
                    "courier we tried in August to save about forty cents per shipment, a saving that now looks very "
                    "expensive."
                ),
                p(
                    "We also added a handwritten card to every first order in September. It is too early to say "
                    "whether it changes activation, and it costs us around six hours of packing time a week, so we "
                    "will run it against a holdout group in October before deciding whether to keep it for good."
                ),
            ],
        ),
        Section(
            "3.2",
            "Welcome emails",
            [
                p(
                    "The welcome sequence was rewritten in July and again in September. The September version replaced "
                    "generic product recommendations with advice on brewing the tea the customer actually bought, and "
                    "it now consists of four messages:"
                ),
                numbered(
                    [
                        "A dispatch confirmation that includes a brewing card for each tea in the parcel.",
                        "A note three days after delivery asking whether the water temperature on the card worked for "
                        "them, with a one-click reply.",
                        "A short guide to storing opened tea, sent on day ten, with no offer attached.",
                        "A reminder on day twenty-one that suggests a refill of the customer's most-ordered tea.",
                    ]
                ),
                p(
                    "Open rates improved from 38 to 51 percent, but second orders did not move. The lesson we draw is "
                    "that the emails were never the bottleneck; the delivery experience was."
                ),
            ],
        ),
        Section(
            "4",
            "Retention",
            [
                p(
                    "Retention is measured on customers who ordered from our own shop at least once before the quarter "
                    "began. Marketplace customers are left out, as explained in section 2.1, because we cannot contact "
                    "them and they almost never come back to the shop directly."
                ),
            ],
        ),
        Section(
            "4.1",
            "Repeat purchases",
            [
                p(
                    "Returning customers placed 7,420 orders this quarter, up from 6,310, and brought 53 percent of "
                    "revenue. The growth came almost entirely from customers acquired through organic search and "
                    "referrals in the first half of the year; customers acquired through Instagram ads in the same "
                    "period have nearly all stopped ordering."
                ),
                p(
                    "Our twelve-month repeat rate now stands at 41 percent, against a target of 45 percent. Closing "
                    "the gap does not require new campaigns so much as fewer disappointing first parcels and a "
                    "subscription that does not lose people to failed card payments."
                ),
            ],
        ),
        Section(
            "4.2",
            "The refill subscription",
            [
                p(
                    "The refill subscription sends a chosen tea every four, six or eight weeks at a ten percent "
                    "discount. It reached 1,150 active subscribers at the end of August and ended September with 1,090."
                ),
                p(
                    "The cause was not dissatisfaction. When a card payment failed, our shop system cancelled the "
                    "subscription silently instead of asking the customer to update their card, and 212 subscribers "
                    "were lost that way in September alone before anyone noticed. The retry logic was fixed on 2 "
                    "October and the lost subscribers have been invited back personally."
                ),
                p(
                    "Roughly one subscriber in six who cancelled on purpose told us they had too much tea at home. A "
                    "pause option would probably have kept most of them, and building one is part of the plan below."
                ),
            ],
        ),
        Section(
            "4.3",
            "Customer service",
            [
                p(
                    "The service inbox received 2,960 messages this quarter, one for every six orders. Almost half "
                    "were questions about where a parcel was, which is another symptom of the slow courier rather than "
                    "a separate problem, and their number fell by a third within a week of switching first orders back."
                ),
                p(
                    "The median first reply took three hours and forty minutes on working days but more than a day at "
                    "weekends, when nobody is on duty. Customers who wrote at the weekend and waited until Monday left "
                    "a review of three stars or fewer twice as often as those who were answered on the same day, so a "
                    "rota covering Saturday mornings will start in November and will be reviewed after six weeks."
                ),
            ],
        ),
        Section(
            "5",
            "Plan for the fourth quarter",
            [
                p(
                    "The plan has three priorities and a budget that is unchanged in total but spent differently. Each "
                    "priority has one owner, who reports progress in the weekly operations meeting."
                ),
            ],
        ),
        Section(
            "5.1",
            "Priorities",
            [
                p("In order of importance, the fourth quarter will concentrate on the following:"),
                bulleted(
                    [
                        "Deliver every first order within two working days, returning all first orders to the faster "
                        "courier from 1 November.",
                        "Add a pause option and payment retries with a card-update email to the refill subscription.",
                        "Double the referral credit to €10 for the six weeks before Christmas and measure the cost per "
                        "activated customer, not per new customer.",
                    ]
                ),
                p(
                    "We will stop reporting email open rates in this meeting, since they did not predict a single "
                    "outcome we care about this quarter."
                ),
            ],
        ),
        Section(
            "5.2",
            "Budget and owners",
            [
                p(
                    "The acquisition budget for the fourth quarter stays at €96,000. Instagram ads drop from €34,000 "
                    "to €15,000, referrals rise from €7,700 to €20,000, and the remaining €6,700 pays for the faster "
                    "courier on first orders. Paid search keeps its current budget, subject to the weekly "
                    "reconciliation described in section 2.2."
                ),
                p(
                    "Priya Raman owns activation and the courier change, Tom Eriksen owns the subscription fixes, and "
                    "Lucía Ferrer owns the referral programme and the café partnerships. The next review is due on 13 "
                    "January 2027."
                ),
            ],
        ),
        Section(
            "5.3",
            "Risks",
            [
                p(
                    "The largest risk is the Christmas peak. Last year the warehouse needed three temporary packers "
                    "from the first week of December, and if we cannot hire them in time the two-day delivery promise "
                    "for first orders will be the first thing to break. Hiring starts on 3 November so that the new "
                    "packers can be trained before the volume arrives."
                ),
                p(
                    "A smaller risk is that the doubled referral credit attracts people who order once to collect it "
                    "and never return. We will watch the activation rate of referred customers weekly and end the "
                    "offer early if it falls below that of organic search."
                ),
            ],
        ),
        Section(
            "6",
            "Definitions",
            [
                p(
                    "A new customer is a person whose first order from our own shop or from a marketplace listing was "
                    "placed in the quarter. Cost per customer divides the channel's spend, including agency fees, by "
                    "the number of new customers it brought, so organic search carries the cost of writing the guides."
                ),
                p(
                    "Activation is a second order within thirty days of the first; the twelve-month repeat rate is the "
                    "share of customers with a first order twelve to twenty-four months ago who ordered again within a "
                    "year. All amounts include VAT and exclude shipping fees paid by the customer."
                ),
            ],
        ),
    ]


class Leader(Flowable):
    """One contents line: the heading, a dot leader and the page number flush right."""

    def __init__(self, title: str, page: int, level: int) -> None:
        super().__init__()
        self.title, self.page, self.level = title, page, level
        self.font = "Helvetica-Bold" if level == 1 else "Helvetica"
        self.size = 11.5 if level == 1 else 10.5

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, 22 if self.level == 1 else 17

    def draw(self) -> None:
        canvas = self.canv
        indent = 0 if self.level == 1 else 22
        number = str(self.page)
        start = indent + canvas.stringWidth(self.title, self.font, self.size) + 6
        end = self.width - canvas.stringWidth(number, self.font, self.size) - 6
        dot = canvas.stringWidth(".", self.font, self.size)
        dots = "." * max(0, int((end - start) / dot))
        # One text object per line, as word processors write a contents line: title, leader, number.
        line = canvas.beginText(indent, 4)
        line.setFont(self.font, self.size)
        line.textOut(self.title)
        line.moveCursor(end - canvas.stringWidth(dots, self.font, self.size) - indent, 0)
        line.textOut(dots)
        line.moveCursor(
            self.width
            - canvas.stringWidth(number, self.font, self.size)
            - (end - canvas.stringWidth(dots, self.font, self.size)),
            0,
        )
        line.textOut(number)
        canvas.drawText(line)


class Report(BaseDocTemplate):
    """Records the page of each heading and bookmarks it in a two-level outline."""

    def __init__(self, target: Any, total: int, **kwargs: Any) -> None:
        super().__init__(target, pagesize=A4, invariant=1, title=TITLE, author=COMPANY,
                         subject="Quarterly operations review", creator="Northwind Shop reporting",
                         leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2.8 * cm, bottomMargin=2.4 * cm,
                         **kwargs)  # fmt: skip
        self.total = total
        self.headings: list[tuple[int, str, int]] = []  # (level, title, page)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("body", [frame], onPage=self.decorate)])

    def decorate(self, canvas: Any, document: Any) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        canvas.setFillColor(colors.HexColor("#4a5a70"))
        canvas.drawString(self.leftMargin, height - 1.6 * cm, RUNNING_HEADER)
        canvas.drawRightString(width - self.rightMargin, height - 1.6 * cm, HEADER_RIGHT)
        canvas.setStrokeColor(colors.HexColor("#9aa6b8"))
        canvas.line(self.leftMargin, height - 1.75 * cm, width - self.rightMargin, height - 1.75 * cm)
        canvas.drawCentredString(width / 2, 1.3 * cm, f"Page {document.page} of {self.total}")
        canvas.restoreState()

    def afterFlowable(self, flowable: Any) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
            level = 1 if flowable.style.name == "h1" else 2
            title = flowable.getPlainText()
            key = f"s{len(self.headings)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level - 1, closed=False)
            self.headings.append((level, title, self.page))


def story(contents: list[tuple[int, str, int]]) -> list[Any]:
    flow: list[Any] = [
        Spacer(1, 5 * cm),
        p(TITLE, COVER_TITLE),
        p(SUBTITLE, COVER_SUB),
        p(f"Prepared for the leadership team<br/>{DATE}", COVER_META),
        Spacer(1, 9 * cm),
        p(COMPANY, ParagraphStyle("cover_company", parent=COVER_META, fontName="Helvetica-Bold")),
        p("12 Wharf Street, Leeds LS2 7EE", COVER_META),
        NextPageTemplate("body"),
        PageBreak(),
        p("Contents", CONTENTS),
    ]
    flow.extend(Leader(title, page, level) for level, title, page in contents)
    flow.append(Spacer(1, 1 * cm))
    flow.append(p("Figures are for July to September 2026 unless stated otherwise.", CAPTION))
    flow.append(PageBreak())
    for section in sections():
        if section.number == "6":  # the appendix starts on a page of its own
            flow.append(PageBreak())
        flow.append(p(section.title, H1 if "." not in section.number else H2))
        flow.extend(section.blocks)
    return flow


def build(target: Any, contents: list[tuple[int, str, int]], total: int) -> Report:
    report = Report(target, total)
    report.build(story(contents))
    return report


def main() -> None:
    # The first pass finds the page of every heading and the page count; the second writes them in.
    placeholder = [(1 if "." not in s.number else 2, s.title, 0) for s in sections()]
    first = build(io.BytesIO(), placeholder, 0)
    final = build(str(OUTPUT), first.headings, first.page)
    assert final.headings == first.headings and final.page == first.page
    print(f"{OUTPUT}: {final.page} pages, {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()

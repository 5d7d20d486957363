"""Promotional and site text in zh/en/es, recognised by its shape rather than by any site's name.

Contact details, calls to follow / subscribe / scan a code for a reward, editors' introductions, end-of-article
pleasantries, "about the company" blocks and vendor pitches. Advice that merely mentions such things ("add a
clear 'contact us' button", "门店用扫码点餐", "invite readers to subscribe to your newsletter") is not promotion:
a call to action counts only when it points at the page's own account or promises the reader something for it.
"""

from __future__ import annotations

import re

PHONE = re.compile(
    r"(?<!\d)(1[3-9]\d[- ]?\d{4}[- ]?\d{4}|\d{3,4}-\d{7,8}|\d{3,4}-\d{4}-\d{4}|400-?\d{3}-?\d{4}"
    r"|\+\d{1,3}[ -]?\(?\d{1,4}\)?[ -]?\d{2,4}[ -]\d{3,4}(?:[ -]\d{2,4})?)(?!\d)"
)
MESSENGER_ID = re.compile(r"(微信|QQ|WeChat|VX|weixin|wx)\s*(号|id)?\s*[:：]\s*[A-Za-z0-9_-]{5,}", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")

# Calls to action that point at the page's own account, or promise something for following it.
_CALL_TO_ACTION = re.compile(
    r"(关注|扫码|扫描|长按|识别|添加|加入|订阅|私信|点击).{0,16}(公众号|二维码|微信号|小程序|视频号|抖音号|头条号|知乎号)"
    r".{0,30}(即可|获取|领取|免费|回复|查阅|了解更多|下载)"
    r"|(关注|订阅|扫码|扫描|私信|添加).{0,12}(我们|我的|本号|本站|本平台|小编|笔者|作者|博主|下方|以下|上方)"
    r"|(关注|订阅)[^,，。]{0,10}(获取|领取|免费)|回复[「“\"'].{1,10}[」”\"'].{0,6}(即可|获取|领取)"
    r"|(^|[.!?]\s+)(please\s+)?(follow|subscribe to|join|like)\b.{0,25}\b(us|our|my)\b"
    r"|\bscan (the|this|our) qr\b|\bqr code (below|above)\b"
    r"|\b(sign up|register) (for|to) (our|my)\b|\bdownload our\b"
    r"|\b(reply|comment) [\"'“‘]?\w+[\"'”’]? to (get|receive)\b"
    r"|\bs[ií]gu?(e|a)?nos\b|\bsuscr[ií]b(e|ete|anse)\b.{0,25}\b(nuestr[oa]|mi)\b"
    r"|\bescan(ea|ee|een|éalo)\b (el|este) c[oó]digo"
    r"|\b(visita|descarga)\w* nuestr[oa]\b|\b[uú]nete a nuestr[oa]\b"
    # imperatives that open a sentence: the page asking the reader to act for the site
    r"|^\W*(subscribe|sign up|book (a|your)|start your|get started|download (the|our)|join (us|our)|email us|call us|"
    r"contact us (at|on)|follow [\w&' -]{1,30} on (linkedin|instagram|facebook|x|twitter|youtube|tiktok))\b"
    r"|^\W*(suscr[ií]bete|s[ií]guenos|desc[aá]rga(te|la|lo)?|desc[aá]rgala|descarga|prueba \S+ gratis|"
    r"solicita una (demo|demostraci[oó]n)|"
    r"escr[ií]benos|ll[aá]manos|[uú]nete|reg[ií]strate|reserva tu)\b"
    r"|^\W*(扫码|长按|点击).{0,10}(关注|添加|识别|领取)|(扫码|扫描|长按识别).{0,20}(领取|获取|免费|即可)"
    r"|(添加|加).{0,8}(小助手|顾问|客服|助理).{0,10}(微信|企微)|^\W*(扫码|长按|点击|欢迎)?关注.{0,12}公众号",
    re.I,
)
# Offers and product pitches: prices, free trials, discounts and "our product makes it easy" in a sentence.
OFFER = re.compile(
    r"\b(offers?|provides?|lets you|helps (you|more than))\b.{0,120}(\$\s?\d|€\s?\d|£\s?\d|per month|/month|free)"
    r"|\bmakes? it easy to\b|\b(in|into) one (simple|single) (system|platform|app|tool)\b|\bno credit card\b"
    r"|\bfree (trial|demo|day pass)\b|\bget \d+\s?% off\b"
    r"|^con [A-ZÁÉÍÓÚ][\wáéíóúñ]+(?: [A-Z][\w]+)? [a-záéíóúñ]+(as|es)\b|\b(prueba|demostraci[oó]n) gratuita\b"
    r"|\bgratis durante \d+|^¡?ahora con .{0,20}descuento|\d+\s?% de descuento el primer"
    r"|是一款.{0,20}(工具|平台|软件|系统|产品)|由.{0,20}(公司|科技).{0,4}(开发|推出)|(首月|首年)仅需|仅需[\d.]+元|免费试用|"
    r"点击文末|阅读原文|立即(体验|下载|购买|注册|试用)|即日起.{0,20}(立减|优惠|折)|咨询.{0,4}客服",
    re.I,
)
# Site notices: copyright, attribution and reprint lines, disclaimers of the site's position.
NOTICE = re.compile(
    r"©|\bcopyright\b|all rights reserved|todos los derechos reservados|版权所有|ICP备|本文由.{0,30}(原创|发布)|"
    r"未经.{0,6}(许可|授权).{0,10}(禁止|不得)转载|转载请注明|不代表.{0,16}(立场|观点)|^(aviso legal|privacy|terms)\b",
    re.I,
)
# "[QR code]", "【推广】…": placeholders and tags that mark a line as an ad.
AD_TAG = re.compile(
    r"^\s*(\[[^\]]{1,20}\]\s*$|【(推广|广告|合作推荐|赞助|广而告之)[^】]*】|\[(ad|sponsored|anuncio|patrocinado)\])",
    re.I,
)
# An editor's or site's introduction of the article, and its companions in the same paragraph.
EDITOR_INTRO = re.compile(
    r"^(编者按|编辑导语|导语|小编|编辑推荐|editor['’]?s note|note from the editor|nota del editor|"
    r"introducci[oó]n del editor)"
    r"|^大家好.{0,6}今天.{0,20}(介绍|分享|聊聊)|(以下|下面)是小编|小编(来|为|给)",
    re.I,
)
EDITOR_COMPANION = re.compile(
    r"(本文作者|作者|本文|这篇文章).{0,20}(分享|介绍|整理|讲述|总结)|一起(来)?(看看|学习)|希望对你有"
    r"|\b(the author|this article)\b.{0,60}\b(shares?|describes?|explains?|answers?|for you)\b|\blet['’]?s learn\b"
    r"|\b(el autor|este art[ií]culo)\b.{0,60}\b(describe|comparte|explica|respuesta|para usted)\b"
    r"|\baprendamos juntos\b",
    re.I,
)
PLEASANTRY = re.compile(
    r"以上就是.{0,40}(回答|介绍|内容|分享|全部)|希望(本文|这篇文章|以上内容)?(对你|对您|对大家|能)(有所|有|能)?(帮助|帮到|启发)"
    r"|希望能?与(各位|大家)(共同|一起)成长|感谢(你的|您的)?(阅读|观看)|欢迎(大家)?(留言|评论|转发|点赞|关注)"
    r"|如有.{0,10}问题.{0,20}(联系|咨询)|\b(i |we )?hope (this|it) (helps|can be of (some )?help|was (helpful|useful))"
    r"|\bthanks? (you )?for reading\b|\bthat['’]?s (all|it) for (today|now|this (article|post))\b|^hope this helps\b"
    r"|\bgrab a coffee\b|\bit['’]s a long one\b|\blet['’]?s dive in\b|话不多说|下期(再)?见|^¡?gracias por leer\b"
    r"|\bthis is the end of (this|the) (article|post)\b|\bespero que (te|les|le) (sea|haya sido) [uú]til"
    r"|\bgracias por (leer|tu lectura)\b|\beso es todo por hoy\b",
    re.I,
)
# "About <name>" / "关于我们" headings of company blocks, and the self-description that follows them.
ABOUT_HEADING = re.compile(r"^(关于|about|acerca de|sobre)\s*\S.{0,24}$", re.I)
ABOUT_INLINE = re.compile(r"^(关于|about|acerca de|sobre)\s*[^:：.。]{1,30}[:：]", re.I)
COMPANY = re.compile(
    r"(有限公司|集团|服务商|提供商|解决方案|平台|公司)|\b(inc|ltd|llc|co|s\.?a|s\.?l)\b\.?|\b(company|provider|platform|"
    r"solutions?|services?|empresa|proveedor|plataforma|soluciones|servicios)\b",
    re.I,
)
_SELF = re.compile(
    r"我们是|我们的(产品|服务|平台|团队|专业)|作为.{0,12}(领先|优秀|知名)的|\bwe are\b|\bwe['’]re\b"
    r"|\bour (company|team|platform|product|service|clients|customers)\b|\bsomos\b"
    r"|\bnuestr[oa]s? (empresa|plataforma|equipo|producto|servicio|clientes)\b",
    re.I,
)
_BOAST = re.compile(
    r"领先|头部|首创|开创者|第一|一站式|\bleading\b|\bleader\b|\btop\b|\bbest\b|\bno\.? ?1\b|\bone-stop\b|\bl[ií]der\b|"
    r"\bmejor(es)?\b|\bn[uú]mero uno\b",
    re.I,
)
_PROMO_PARENTHETICAL = re.compile(r"[（(][^（）()]{0,80}[)）]")


def is_contact(sentence: str) -> bool:
    """Phone numbers, messenger ids or e-mail addresses."""
    return bool(PHONE.search(sentence) or MESSENGER_ID.search(sentence) or EMAIL.search(sentence))


def is_call_to_action(sentence: str) -> bool:
    """A call to follow, subscribe or scan that points at the page's own account or promises a reward."""
    return bool(_CALL_TO_ACTION.search(sentence))


def is_vendor_pitch(paragraph: str) -> bool:
    """A paragraph in which a company praises itself and what it sells."""
    return bool(_SELF.search(paragraph) and _BOAST.search(paragraph) and COMPANY.search(paragraph))


def promotion_reason(sentence: str) -> str | None:
    """Why a sentence is promotion or site text, or None when it is content."""
    if is_contact(sentence):
        return "contact"
    if is_call_to_action(sentence):
        return "call_to_action"
    if OFFER.search(sentence) or AD_TAG.search(sentence):
        return "offer"
    if NOTICE.search(sentence):
        return "site_notice"
    if PLEASANTRY.search(sentence):
        return "pleasantry"
    if EDITOR_INTRO.search(sentence.strip()):
        return "editor_intro"
    return None


def without_promotional_asides(sentence: str) -> str:
    """The sentence without parentheticals that are calls to action ("(详情可关注…公众号…查阅)")."""
    return _PROMO_PARENTHETICAL.sub(lambda m: "" if is_call_to_action(m.group(0)) else m.group(0), sentence)

"""What page furniture looks like, in zh, en and es: the patterns `cleaning` drops lines and segments by.

Each pattern describes a kind of furniture (footers, share bars, menus, bylines, page metadata, widgets,
teasers, breadcrumbs) in general terms; none names a site.
"""

import re

# A line that ends the article: everything after it is page furniture (related links, widgets, site rules).
FOOTER_START = re.compile(
    r"^[\s\W]*(推荐阅读|相关阅读|相关文章|相关推荐|延伸阅读|猜你喜欢|热门文章|分享到(朋友圈|微信|微博)|上一篇|下一篇|"
    r"related (reading|articles|posts)|you (may|might) also like|recommended (reading|articles|for you)|read next|"
    r"previous (post|article)|next (post|article)|share (this|on)\b|lecturas? (relacionadas?|recomendadas)|"
    r"art[ií]culos relacionados|te recomendamos|(tambi[eé]n )?te puede (interesar|gustar)|entrada anterior|"
    r"siguiente entrada|comparte? (esto|en)\b)"
    r"|^\s*[<>«»‹›←→]{1,3}\s*[:：]",
    re.IGNORECASE,
)
# Menus, breadcrumbs and share bars: several short items between separators ("首页  用户运营  …", "Home | Blog",
# "Inicio > Guías", "Facebook · X · LinkedIn").
SEPARATORS = re.compile(r"\s{2,}|\s*[|·•»›>/]\s*|\s+-\s+")
SOCIAL = re.compile(
    r"^([\W\d_]|\b(like|likes|share|tweet|pin it|print|email( this article)?|comments?|me gusta|compartir( en \w+)?|"
    r"enviar por \w+|点赞|收藏|分享|举报|评论|转发)\b|\s)+$",
    re.IGNORECASE,
)
LABELLED_LINKS = re.compile(r"^(热门(标签|搜索|话题)|标签|tags?|etiquetas|temas|topics|menu|men[uú])\s*[:：]", re.I)
SEARCH_BOX = re.compile(r"^(搜索|search|buscar)\b.{0,30}$", re.I)
MENU_BUTTON = re.compile(
    r"^(book a (tour|demo|call)|book now|sign up|log in|subscribe|get started|start (a |your )?free trial|contact us|"
    r"reserva (ya|ahora)|suscr[ií]bete|reg[ií]strate|contacto|立即(预约|注册|登录)|免费试用)"
    r"\s+(?=[A-ZÁÉÍÓÚÑ\u4e00-\u9fff])",
    re.I,
)
MENU_WORDS = re.compile(r"^(?:[A-ZÁÉÍÓÚÑ][\w&'’-]*\s+){5,}[A-ZÁÉÍÓÚÑa-z][\w&'’-]*(?:\s+[a-z]{1,4}\s+\w+)?$")
# Bylines: "By Jane Doe · 5 min read · 12 March 2024", "Publicado por … el 8 de mayo de 2024 en …".
BYLINE = re.compile(
    r"^(by|por|posted by|written by|publicado por|escrito por)\s+\S.{0,80}(\d{4}|\bmin\b|comments?|comentarios)",
    re.IGNORECASE,
)
# Where a one-line page glues a byline or an editor's note to what precedes it.
SEGMENT_START = re.compile(
    r"\s(?=(?:posted by|publicado por|written by|escrito por|editor['’]s note:|introducci[oó]n del editor:|"
    r"nota del editor:|编者按|related posts:|you might also like|tambi[eé]n te puede interesar|te recomendamos|"
    r"art[ií]culos relacionados)\s?)|\s+\|\s+",
    re.IGNORECASE,
)
NAV_LINE = re.compile(r"^[A-Z]{2,12}\s+[\u4e00-\u9fff]{2,8}$")  # "HOME 首页", "CONTACT 联系我们"
PAGE_META = re.compile(
    r"^(发布时间|发表时间|更新时间|发布日期|稿源|出处|来源|作者|责任编辑|编辑|阅读(量|数)?|浏览(量|数)?|点击(量|数)?|本文目录|目录|"
    r"published( on)?|posted (on|by)|updated( on)?|author|by|publicado( el| por)?|actualizado|autor)\s*[:：]"
    r"|^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\s|$)",
    re.IGNORECASE,
)
WIDGET = re.compile(
    r"^(收藏|评分|综合评分[:：]?|我的评分|立即兑换|复制链接|我知道了|考虑一下|点赞|分享|举报|打赏|赞赏|评论|转发|"
    r"share|like|tweet|comment|print|compartir|me gusta|comentar|imprimir|source:\s*\|?|fuente:\s*\|?|\||"
    r"(登录|注册|log in|sign in|sign up|iniciar sesi[oó]n|registrarse|entrar)(\s+(登录|注册|log in|sign in|sign up|"
    r"iniciar sesi[oó]n|registrarse|entrar))*)$"
    r"|^[^\W\d_]{1,6}\s*\d{1,7}$|^[+]?\s*\d{1,7}\s*[^\W\d_]{1,4}$",  # counters: "Likes 12", "阅读 3.1万"-like labels
    re.IGNORECASE,
)
TEASER = re.compile(r"^.{10,80}(\.\.\.|…)$")
BREADCRUMB = re.compile(r"^[^.!?。！？]{2,80}( - [^.!?。！？]{2,80}){2,}$")
# A leading run of Title-Case words glued before the first sentence: a scraped table of contents.
TITLE_RUN = re.compile(r"^((?:[A-ZÁÉÍÓÚÑ][\w’'-]*\s+){6,}?)(?=[A-ZÁÉÍÓÚÑ][a-záéíóúñ]*\s+[a-záéíóúñ])")
# "copiarIntroducción", "FrameworkBelow": a heading or menu glued to the next sentence.
GLUED = re.compile(r"(?<=[a-záéíóúñ]{4})(?=[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{3,})")
SENTENCE_SPLIT = re.compile(r"(?<=[.!?。！？;；])\s+|(?<=[。！？；])")

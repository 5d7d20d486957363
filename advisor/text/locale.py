"""Fixed wording of the advisor in each language: stage titles, connectives, refusals."""

from __future__ import annotations

import re

from advisor.schemas import Language, Stage

STAGE_TITLES: dict[Language, dict[Stage, str]] = {
    "zh": {
        "pest": "行业环境(PEST)",
        "business_model": "商业模式",
        "metrics": "核心指标",
        "strategy": "策略",
        "tactics": "手法",
    },
    "en": {
        "pest": "Industry environment (PEST)",
        "business_model": "Business model",
        "metrics": "Metrics",
        "strategy": "Strategy",
        "tactics": "Tactics",
    },
    "es": {
        "pest": "Entorno del sector (PEST)",
        "business_model": "Modelo de negocio",
        "metrics": "Métricas",
        "strategy": "Estrategia",
        "tactics": "Tácticas",
    },
}

ANSWER_INTRO: dict[Language, str] = {
    "zh": "根据资料,要点如下:",
    "en": "According to the sources, the key points are:",
    "es": "Según las fuentes, los puntos clave son:",
}

REFUSAL: dict[Language, str] = {
    "zh": "资料库中没有足够的运营资料来回答这个问题,所以不作回答。",
    "en": "The articles do not cover this question well enough to give grounded operations advice.",
    "es": "Los artículos no cubren esta pregunta lo suficiente para dar un consejo de operaciones fundamentado.",
}

METRICS_MODEL: dict[Language, str] = {
    "zh": "订单量 = 自然流量 × 首单转化率 + 复购用户 + 转介绍用户;收入 = 订单量 × 平均客单价",
    "en": "orders = traffic × first-purchase conversion + repeat buyers + referred buyers; "
    "revenue = orders × average order value",
    "es": "pedidos = tráfico × conversión de primera compra + compradores recurrentes + referidos; "
    "ingresos = pedidos × ticket medio",
}

STEP_LEAD: dict[Language, dict[Stage, str]] = {
    "zh": {
        "pest": "先看行业环境:",
        "business_model": "明确商业模式:",
        "metrics": "确定核心指标:",
        "strategy": "策略方向:",
        "tactics": "具体手法:",
    },
    "en": {
        "pest": "Check the environment:",
        "business_model": "Pin down the business model:",
        "metrics": "Track:",
        "strategy": "Direction:",
        "tactics": "Action:",
    },
    "es": {
        "pest": "Revise el entorno:",
        "business_model": "Defina el modelo de negocio:",
        "metrics": "Mida:",
        "strategy": "Dirección:",
        "tactics": "Acción:",
    },
}

SERVES: dict[Language, str] = {
    "zh": "(服务于策略 {n})",
    "en": "(serves strategy {n})",
    "es": "(sirve a la estrategia {n})",
}
METRICS_LEAD: dict[Language, str] = {"zh": "指标模型:", "en": "Metric model:", "es": "Modelo de métricas:"}

# --- answers -------------------------------------------------------------------------------------------------
# Quotation marks for quotes and labels, in order of preference (a quote gets the first pair it does not contain).
QUOTE_MARKS: dict[Language, tuple[tuple[str, str], ...]] = {
    "zh": (("「", "」"), ("『", "』"), ("“", "”")),
    "en": (("“", "”"), ("«", "»"), ("「", "」")),
    "es": (("«", "»"), ("“", "”"), ("「", "」")),
}
TITLE_MARKS: dict[Language, tuple[str, str]] = {"zh": ("《", "》"), "en": ("“", "”"), "es": ("«", "»")}
# Where a point comes from: the document's title, then the section's heading (both as written, in quotes).
SOURCE_LABEL: dict[Language, str] = {"zh": "{title}中的{section}", "en": "{title}, section {section}",
                                     "es": "{title}, en la sección {section}"}  # fmt: skip
SOURCE_TITLE_ONLY: dict[Language, str] = {"zh": "{title}", "en": "{title}", "es": "{title}"}
LEAD_LIST: dict[Language, str] = {
    "zh": "{source}列出了 {n} 点:",
    "en": "The article {source} lists {n} points:",
    "es": "El artículo {source} enumera {n} puntos:",
}
LEAD_POINTS: dict[Language, str] = {
    "zh": "{source}是这样说的:",
    "en": "This is what the article {source} says:",
    "es": "Esto es lo que dice el artículo {source}:",
}
SEE_ALSO: dict[Language, str] = {"zh": "另见:", "en": "See also:", "es": "Véase también:"}
ALSO_FROM: dict[Language, str] = {"zh": "{source}:", "en": "{source}:", "es": "{source}:"}
PARTIAL: dict[Language, str] = {
    "zh": "注意:资料讲到了{covered},但没有讲到{missing}。",
    "en": "Note: the sources cover {covered} but not {missing}.",
    "es": "Nota: las fuentes tratan {covered}, pero no {missing}.",
}
LIST_JOIN: dict[Language, str] = {"zh": "、", "en": ", ", "es": ", "}
# Questions that ask for an enumeration ("which four…", "哪几个", "¿cuáles son…").
ASKS_FOR_LIST: dict[Language, str] = {
    "zh": r"哪些|哪几|几个|几种|几点|几步|几层|几方面|哪[一二三四五六七八九十两]|[一二三四五六七八九十两]个|"
    r"[一二三四五六七八九十两]种|"
    r"[一二三四五六七八九十两]大|[一二三四五六七八九十两]步|步骤|环节|列出|分别",
    "en": r"\b(which|what) (are|were)\b|\b(steps|stages|links|layers|levels|rules|ways|parts|abilities|skills|"
    r"principles|points|types|kinds|elements|factors|list)\b|\b(two|three|four|five|six|seven|eight)\b",
    "es": r"\bcu[aá]les\b|\b(pasos|etapas|capas|niveles|reglas|formas|partes|habilidades|capacidades|principios|"
    r"puntos|tipos|elementos|factores|enumera|lista)\b|\b(dos|tres|cuatro|cinco|seis|siete|ocho)\b",
}

# --- plans ---------------------------------------------------------------------------------------------------
# The guiding question of each stage, put to the asker's business.
STAGE_QUESTION: dict[Language, dict[Stage, str]] = {
    "zh": {
        "pest": "{business}所处的行业大环境如何?政策、经济、社会、技术各有什么影响,有没有竞争对手?",
        "business_model": "{business}的商业模式是什么:为谁创造什么价值,靠什么赚钱?",
        "metrics": "衡量{business}的核心数据是什么,又由哪些一级数据决定?",
        "strategy": "为了达到目标,{business}要用哪些策略方向?",
        "tactics": "每个策略方向下,{business}具体用什么手法、由谁执行?",
    },
    "en": {
        "pest": "For {business}: which policies, economic and social trends and technologies shape its market, "
        "and who already competes for the same customers?",
        "business_model": "How does {business} create value for its customers, and how does it make money from it?",
        "metrics": "Which core figure shows how {business} is doing, and which first-level figures drive it?",
        "strategy": "Which directions will move those figures for {business}?",
        "tactics": "Which concrete actions carry out each direction for {business}, and who does them?",
    },
    "es": {
        "pest": "Para {business}: ¿qué políticas, tendencias económicas y sociales y tecnologías marcan su mercado, "
        "y quién compite ya por los mismos clientes?",
        "business_model": "¿Cómo crea valor {business} para sus clientes y cómo gana dinero con ello?",
        "metrics": "¿Qué cifra central muestra cómo va {business} y qué cifras de primer nivel la mueven?",
        "strategy": "¿Qué direcciones moverán esas cifras para {business}?",
        "tactics": "¿Qué acciones concretas llevan a cabo cada dirección para {business} y quién las hace?",
    },
}
# Where the business's name sits in a plan request ("Plan the launch of …", "为…制定…方案", "Haz un plan para …").
BUSINESS_PATTERNS: dict[Language, tuple[str, ...]] = {
    "zh": (r"(?:为|给)(?:我的|我们的)?(?P<business>[^,，。]+?)(?:制定|做|写|规划|设计|出)",),
    "en": (
        r"^(?:please |help me )?(?:plan|make|write|create|draft|build|design|outline|prepare)\s+(?:me\s+)?"
        r"(?:(?:an?|my|our)\s+)?(?:(?:[\w-]+\s+){0,2}(?:plan|strategy|roadmap)\s+(?:for|to)\s+)?"
        r"(?:the\s+(?:launch|growth|opening|operations?|marketing)\s+(?:of|for)\s+)?(?P<business>.+)$",
    ),
    "es": (
        r"^(?:planifica|haz|hazme|crea|elabora|diseña|prepara|escribe|arma)\s+(?:(?:un|una|mi)\s+)?"
        r"(?:(?:[\wáéíóú-]+\s+){0,2}(?:plan|estrategia|hoja de ruta)\s+(?:para|de)\s+)?(?P<business>.+)$",
    ),
}

# Words that make a plan's goal a business's or its operations' (a goal without them gets less room).
OPERATIONS_WORDS: dict[Language, str] = {
    "zh": r"运营|经营|门店|店|销量|销售|卖|用户|会员|客户|顾客|增长|营销|生意|品牌|平台|app|公司|业务",
    "en": r"\b(operations?|shops?|stores?|sales?|sell\w*|customers?|users?|business\w*|marketing|growth|brand|"
    r"launch\w*|subscri\w+|members?\w*|clients?|company|startup|app|platform|product)\b",
    "es": r"\b(operaciones|tienda|vend\w*|venta\w*|clientes?|negocio|marketing|socios|usuarios|marca|lanza\w*|"
    r"crecimiento|empresa|agencia|app|plataforma|producto)\b",
}

# A generic operations question: evidence that matches it as well as the asker's question does not address the
# asker's specific subject (see advisor.services.answerability).
GENERIC_QUESTION: dict[Language, str] = {
    "zh": "怎样做好互联网运营工作?",
    "en": "How do I do internet operations work well?",
    "es": "¿Cómo hago bien el trabajo de operaciones de Internet?",
}


# --- growth model (advisor.services.growth_advice) -----------------------------------------------------------
LEVER_NAMES: dict[Language, dict[str, str]] = {
    "zh": {"traffic": "自然流量", "conversion": "首单转化率", "repurchase": "复购率", "interval": "复购间隔",
           "referral": "转介绍率", "order_size": "每单数量", "order_value": "客单价"},
    "en": {"traffic": "traffic", "conversion": "first-purchase conversion", "repurchase": "repurchase rate",
           "interval": "repurchase interval", "referral": "referral rate", "order_size": "order size",
           "order_value": "order value"},
    "es": {"traffic": "tráfico", "conversion": "conversión a primera compra", "repurchase": "tasa de recompra",
           "interval": "intervalo de recompra", "referral": "tasa de referidos", "order_size": "tamaño del pedido",
           "order_value": "valor del pedido"},
}  # fmt: skip

GROWTH_INPUTS = {
    "zh": "增长模型(按你给的数字计算:每天 {traffic} 人,首单转化 {conversion},复购 {repurchase}、每 {interval} 天一次,"
    "转介绍 {referral},每单 {size} {unit}{assumed}):",
    "en": "Growth model computed from your numbers ({traffic} people a day, {conversion} first-purchase conversion, "
    "{repurchase} repurchase every {interval} days, {referral} referral, {size} {unit} per order{assumed}): ",
    "es": "Modelo de crecimiento calculado con tus cifras ({traffic} personas al día, conversión {conversion}, "
    "recompra {repurchase} cada {interval} días, referidos {referral}, {size} {unit} por pedido{assumed}): ",
}
GROWTH_ASSUMED = {
    "zh": ";未给出的按 {names} 计",
    "en": "; not given, so assumed: {names}",
    "es": "; no indicados, se suponen: {names}",
}
GROWTH_ASSUMED_VALUES: dict[Language, dict[str, str]] = {
    "zh": {"repurchase": "无复购", "referral": "无转介绍", "interval": "每 7 天复购", "order_size": "每单 1 {unit}"},
    "en": {"repurchase": "no repurchase", "referral": "no referral", "interval": "a 7-day interval",
           "order_size": "1 {unit} per order"},
    "es": {"repurchase": "sin recompra", "referral": "sin referidos", "interval": "un intervalo de 7 días",
           "order_size": "1 {unit} por pedido"},
}  # fmt: skip
GROWTH_REACHED = {
    "zh": "逐日模拟在第 {day} 天达到每天 {target} {unit};",
    "en": "the day-by-day simulation reaches {target} {unit} a day on day {day}; ",
    "es": "la simulación día a día llega a {target} {unit} al día el día {day}; ",
}
GROWTH_TOO_LATE = {
    "zh": "逐日模拟在 {horizon} 天内达不到每天 {target} {unit};",
    "en": "the day-by-day simulation does not reach {target} {unit} a day within {horizon} days; ",
    "es": "la simulación día a día no llega a {target} {unit} al día en {horizon} días; ",
}
GROWTH_NEVER = {
    "zh": "每天 {target} {unit} 达不到:上限是每天 {ceiling} {unit};",
    "en": "{target} {unit} a day is not reachable: the ceiling is {ceiling} {unit} a day; ",
    "es": "{target} {unit} al día no es alcanzable: el techo es {ceiling} {unit} al día; ",
}
GROWTH_ARTICLE = {
    "zh": "文章的粗略公式得出 N = {day} 天。差别在于:粗略公式只跟踪第一天的买家并按转介绍率逐日复利,"
    "模拟还计入每天新来的买家和流失的买家。",
    "en": "the article's rough formula gives N = {day} days. The difference: the formula follows only the first day's "
    "buyers and compounds referral daily, while the simulation adds new buyers every day and loses those who do not "
    "come back.",
    "es": "la fórmula aproximada del artículo da N = {day} días. La diferencia: la fórmula sigue solo a los "
    "compradores del primer día y capitaliza los referidos cada día, y la simulación suma compradores nuevos cada "
    "día y pierde a los que no vuelven.",
}
GROWTH_ARTICLE_NONE = {
    "zh": "文章的粗略公式在这些数字下得不出天数。",
    "en": "the article's rough formula gives no day count with these numbers.",
    "es": "la fórmula aproximada del artículo no da un número de días con estas cifras.",
}
GROWTH_LEVERS_LEAD = {
    "zh": "按增长模型的敏感度排序的杠杆(每项单独提升 {step}):",
    "en": "Levers ranked by the growth model's sensitivity (each improved by {step} on its own): ",
    "es": "Palancas ordenadas por la sensibilidad del modelo de crecimiento "
    "(cada una mejorada un {step} por separado): ",
}
GROWTH_LEVER_DAY = {"zh": "第 {day} 天达标", "en": "target on day {day}", "es": "objetivo el día {day}"}
GROWTH_LEVER_NO_DAY = {"zh": "仍未达标", "en": "target still not met", "es": "objetivo aún no alcanzado"}
GROWTH_LEVER_GAIN = {
    "zh": "第 {reference} 天 {gain}",
    "en": "{gain} on day {reference}",
    "es": "{gain} el día {reference}",
}
GROWTH_FIRST = {"zh": "优先抓{lever}。", "en": "Start with {lever}.", "es": "Empieza por {lever}."}
GROWTH_EQUAL = {"zh": "(效果相同)", "en": " (equal effect)", "es": " (mismo efecto)"}
GROWTH_OR = {"zh": "或", "en": " or ", "es": " o "}
GROWTH_SEPARATOR = {"zh": ";", "en": "; ", "es": "; "}


def template_fragments() -> list[str]:
    """Every fixed piece of the advisor's wording in every language (placeholders cut out), longest first.

    The eval removes these from the advisor's own text: fixed wording is not evidence.
    """
    fragments: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, str):
            fragments.update(p.strip() for p in re.split(r"\{[^}]*\}", value) if len(re.findall(r"\w", p)) >= 2)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, tuple):
            for item in value:
                collect(item)

    for name, value in globals().items():
        if name.isupper() and isinstance(value, dict) and name not in _PATTERN_TABLES:
            collect(value)
    return sorted(fragments, key=len, reverse=True)


_PATTERN_TABLES = {
    "ASKS_FOR_LIST",
    "BUSINESS_PATTERNS",
    "OPERATIONS_WORDS",
    "QUOTE_MARKS",
    "TITLE_MARKS",
    "NUMBER_WORDS",
}

# Number words a question may use to ask for that many items ("哪四个", "three layers", "tres capacidades").
NUMBER_WORDS: dict[Language, dict[str, int]] = {
    "zh": {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10},
    "en": {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10},
    "es": {"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10},
}

# How each stage of the method is asked about, in each language: what finds the sections that teach the stage.
STAGE_QUERIES: dict[Stage, dict[Language, str]] = {
    "pest": {
        "zh": "所处行业的大环境是什么样的?用PEST看政策、经济、社会、技术,有没有竞争对手?",
        "en": "What is the industry environment (PEST): policy, economy, society, technology, and the competitors?",
        "es": "¿Cómo es el entorno del sector (PEST): política, economía, sociedad, tecnología y competidores?",
    },
    "business_model": {
        "zh": "公司的商业模式和盈利模式是什么?靠什么赚钱?",
        "en": "What is the business model and the profit model: how does the company make money?",
        "es": "¿Cuál es el modelo de negocio y de rentabilidad: cómo gana dinero la empresa?",
    },
    "metrics": {
        "zh": "业务最核心的数据指标是哪些?一级数据:流量、首单转化率、复购率、转介绍率、客单价",
        "en": "Which core metrics measure the business: traffic, conversion rate, repurchase rate, referral, "
        "order value?",
        "es": "¿Qué métricas clave miden el negocio: tráfico, conversión, recompra, referidos, ticket medio?",
    },
    "strategy": {
        "zh": "为了达到数据目标要用哪些策略?拉新、裂变活动、广告投放、提升复购和转介绍",
        "en": "Which strategies reach the targets: acquiring new users, referral campaigns, advertising, repurchase?",
        "es": "¿Qué estrategias alcanzan los objetivos: captar usuarios, referidos, publicidad, recompra?",
    },
    "tactics": {
        "zh": "每个策略的具体执行方法和具体行为动作是什么?",
        "en": "What concrete actions carry out each strategy, step by step?",
        "es": "¿Qué acciones concretas ejecutan cada estrategia, paso a paso?",
    },
}

# Words of the method itself: a sentence that uses them talks about planning, it is not an action to take.
METHOD_WORDS = (
    r"策略|手法|方法论|具体的?行为|行为动作|\b(strateg(y|ies)|tactics?|methodolog(y|ies)|concrete actions?)\b"
    r"|\b(estrategias?|t[aá]cticas?|metodolog[ií]as?|acciones concretas)\b"
)

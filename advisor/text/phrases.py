"""Fixed wording of the advisor in each language: stage titles, connectives, refusals."""

from __future__ import annotations

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

# What each stage is about, in all three languages: used to retrieve and to classify evidence.
STAGE_DESCRIPTIONS: dict[Stage, str] = {
    "pest": "行业大环境 PEST 政策 经济 社会 技术 竞争对手 | industry environment, PEST: policy, economy, "
    "society, technology, competitors | entorno del sector, PEST: política, economía, sociedad, tecnología",
    "business_model": "商业模式 盈利模式 业务模型 怎么赚钱 | business model, how the company makes money, "
    "profit model | modelo de negocio, cómo gana dinero la empresa, modelo de ingresos",
    "metrics": "核心数据指标 流量 转化率 复购率 客单价 订单量 | core metrics: traffic, conversion rate, "
    "repurchase rate, order value, orders | métricas clave: tráfico, tasa de conversión, recompra, ticket medio",
    "strategy": "策略 方向 拉新 裂变 广告投放 渠道 转介绍 复购 | strategy and direction: acquisition, referral, "
    "paid ads, channels, retention | estrategia y dirección: captación, referidos, anuncios, canales, retención",
    "tactics": "手法 具体执行 活动 优惠 社群 朋友圈 | tactics, concrete actions: campaign, discount, community, "
    "execution | tácticas, acciones concretas: campaña, descuento, comunidad, ejecución",
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

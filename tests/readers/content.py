"""Articles written for the reader tests, one per language, as sections."""

from __future__ import annotations

from tests.readers.makers import Part

ZH_TITLE = "社群运营手册"
ZH_PARTS = [
    Part(
        "第一章 社群拉新",
        [
            "社群拉新的第一步是明确目标用户是谁,他们在哪里聚集,以及他们为什么愿意加入一个新的社群。",
            "拉新渠道要先小规模测试,再把预算集中到转化成本最低的两到三个渠道上,避免平均用力。",
        ],
        items=["老用户邀请新用户并给双方奖励", "在线下门店放置入群二维码", "与相邻品类的社群互相推荐"],
    ),
    Part(
        "第二章 新成员留存",
        [
            "新成员留存的关键是让他在加入后的第一周就获得一次明确的价值,例如解决了一个具体问题。",
            "群主应在新成员入群二十四小时内私聊欢迎,并介绍群规和最近的三个热门话题。",
        ],
        rows=[["指标", "目标"], ["七日留存率", "百分之四十"], ["周发言人数", "百分之十五"]],
    ),
    Part(
        "第三章 活跃度维护",
        [
            "活跃度维护依靠固定节奏的内容,比如每周二的问答日和每周五的案例复盘,让成员形成期待。",
            "对连续两周没有发言的成员,运营者可以用一对一的问候了解原因,而不是群发广告。",
        ],
    ),
]

EN_TITLE = "Onboarding Playbook for a Subscription App"
EN_PARTS = [
    Part(
        "Activation comes first",
        [
            "A new subscriber is activated when they complete the one action that predicts a second visit, "
            "such as saving their first workout plan within the first three days.",
            "Measure the share of sign-ups who reach that action each week, and treat it as the team's north "
            "star during the first month after launch.",
        ],
        items=[
            "Send a welcome email within ten minutes of sign-up.",
            "Show a checklist with three short setup tasks.",
            "Offer a live onboarding call to teams of five or more.",
        ],
    ),
    Part(
        "Measuring the funnel",
        [
            "Track each step from sign-up to first value with the same cohort definition, so that a change in "
            "one step can be compared with the weeks before it.",
        ],
        rows=[["Step", "Weekly target"], ["Sign-up to checklist", "60%"], ["Checklist to first plan", "45%"]],
    ),
    Part(
        "Winning back quiet users",
        [
            "Users who have not opened the app for fourteen days receive a short email that links straight to "
            "the plan they saved, not to the home screen.",
        ],
    ),
]

ES_TITLE = "Guía de fidelización para una tienda online"
ES_PARTS = [
    Part(
        "Paso 1: Conocer a los clientes recurrentes",
        [
            "Antes de lanzar un programa de puntos, la tienda debe saber qué clientes compran más de una vez al "
            "trimestre y qué productos los hacen volver.",
            "Una segmentación sencilla por frecuencia y valor de compra basta para empezar a trabajar con datos "
            "reales en lugar de suposiciones.",
        ],
    ),
    Part(
        "Paso 2: Diseñar el programa de puntos",
        [
            "Cada euro gastado suma un punto y cien puntos equivalen a un descuento de cinco euros en la "
            "siguiente compra, una regla fácil de explicar en la caja.",
        ],
        items=[
            "Premiar la segunda compra con puntos dobles.",
            "Avisar por correo cuando los puntos estén a punto de caducar.",
        ],
    ),
    Part(
        "Paso 3: Medir la repetición de compra",
        [
            "La tasa de repetición mensual muestra si el programa funciona: compárala con los tres meses "
            "anteriores a su lanzamiento antes de ampliar las recompensas.",
        ],
    ),
]

MD_TEXT = """# Guía de contenidos para redes sociales

Un calendario editorial evita publicar por impulso y permite medir qué temas generan conversación.

## Planificar la semana

Reserva una hora cada lunes para decidir los cinco temas de la semana y asignar quién redacta cada uno.

1. Un consejo práctico para clientes nuevos.
2. Una pregunta abierta a la comunidad.
3. Un caso real de un cliente satisfecho.

## Revisar los resultados

Cada viernes compara el alcance y los comentarios de cada publicación con la media de las cuatro semanas anteriores.
"""

TXT_TEXT = """Running a referral program

A referral program works when the reward is something the customer already values, such as an extra month of service.

Keep the rules short: one link per customer, a reward for both sides, and a clear limit on how many rewards
one person can earn.

Review the program every month and stop rewards for referrals that never make a second purchase.
"""

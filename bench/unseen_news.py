"""Writes the "unseen" translated-news corpus: 36 pages of 6 invented sites in es/pt/it/fr/de.

    .venv/bin/python bench/unseen_news.py [--out tests/data/unseen-news]

Written to measure how the extractor generalises: its box markups and label wordings are NOT
those of `../shared/eval/translated-dev` nor of issue 16's text, and the rules were not tuned to
it (its figures are reported before and after each change, in docs/extraction.md).  Deterministic
(seeded), in the corpus format of `../shared/eval/README.md` (ground-truth.json + html/*.html.gz),
so `run_project.py` and `score.py` score it.  Each site's feed is made by `feed_xml`, with the
page URLs of wherever the pages are served (bench/unseen_fetch.py).

What each site does (boilerplate that must go, and content that must stay):
- every site: a related-article box whose label changes from page to page (some labels are in
  config/boilerplate.toml, some are not: only the markup and the site's repetition show them),
  a follow footer (social links, the site's feed, machine-translated network names), a category
  link above the headline inside the article on two sites, header/sidebar/footer chrome;
- content: in-text links to other sites, a quote, a short list, a credit line "Fonte: <a>…</a>"
  linking to another site, and a 40-word paragraph linking to a social network's blog.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from dataclasses import dataclass
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261203


@dataclass(frozen=True)
class Site:
    host: str
    name: str
    lang: str
    markup: str  # how the related box is written (see `_box`)
    labels: tuple[str, ...]
    footer: str  # the follow footer, with {tw} {fb} {feed} {x} link texts in place
    networks: tuple[tuple[str, str], ...]  # (link text, href) of the footer's links
    category: bool  # a category link above the headline, inside the article
    credit: str  # "Fonte" label of the credit line
    quote_intro: str


SITES = (
    Site(
        "brujuladigital.example",
        "Brújula Digital",
        "es",
        "br-span-class",
        (
            "Quizá quieras leer:",
            "Lectura relacionada:",
            "Otro tema del día:",
            "Dale un vistazo:",
            "Continúa con:",
        ),
        "¿Te gustó este artículo? Sigue a Brújula Digital en {0}, {1} o recibe todo en tu lector "
        "con {2}.",
        (
            ("Pío", "https://twitter.com/brujuladigital"),
            ("Facebook", "https://www.facebook.com/brujuladigital"),
            ("nuestro canal RSS", "/feed/"),
        ),
        True,
        "Fuente:",
        "explicó en una rueda de prensa",
    ),
    Site(
        "telaquente.example",
        "Tela Quente",
        "pt",
        "inline-style-block",
        (
            "Veja ainda",
            "Dá uma olhada também",
            "Você também vai curtir",
            "Não deixe de ler",
            "Aproveite e leia",
        ),
        "Curtiu? Segue a gente no {0} e no {1} para receber as próximas notícias.",
        (
            ("Gorjeio", "https://x.com/telaquente"),
            ("Instagram", "https://www.instagram.com/telaquente/"),
        ),
        False,
        "Fonte:",
        "disse em comunicado",
    ),
    Site(
        "circuitoaperto.example",
        "Circuito Aperto",
        "it",
        "label-line-then-link",
        (
            "Ne abbiamo parlato anche qui",
            "Sullo stesso argomento",
            "Da leggere",
            "Approfondimento",
            "Dal nostro archivio",
        ),
        "Resta aggiornato: seguici su {0}, {1} e {2}.",
        (
            ("Cinguettio", "https://twitter.com/circuitoaperto"),
            ("Telegram", "https://t.me/circuitoaperto"),
            ("LinkedIn", "https://www.linkedin.com/company/circuitoaperto"),
        ),
        True,
        "Fonte:",
        "ha dichiarato ai giornalisti",
    ),
    Site(
        "loctet.example",
        "L'Octet",
        "fr",
        "br-small-arrow",
        (
            "Dans le même dossier",
            "À parcourir aussi",
            "Nous en parlions ici",
            "Sur ce thème",
            "Notre article précédent",
        ),
        "Envie de ne rien manquer ? Abonnez-vous à notre {0} ou retrouvez L'Octet sur {1} et {2}.",
        (
            ("fil RSS", "/rss.xml"),
            ("Gazouillis", "https://twitter.com/loctet"),
            ("Mastodon", "https://mastodon.social/@loctet"),
        ),
        False,
        "Source :",
        "a-t-il expliqué lors d'une conférence",
    ),
    Site(
        "technikblatt.example",
        "Technikblatt",
        "de",
        "italic-paragraph",
        (
            "Ebenfalls lesenswert:",
            "Hierzu passend:",
            "Dazu bei uns:",
            "Noch mehr zum Thema:",
            "Aus unserem Archiv:",
        ),
        "Ihnen gefallen unsere Artikel? Folgen Sie dem Technikblatt auf {0} und {1} oder "
        "abonnieren Sie unseren {2}.",
        (
            ("Zwitschern", "https://twitter.com/technikblatt"),
            ("Mastodon", "https://mastodon.social/@technikblatt"),
            ("RSS-Feed", "/feed.xml"),
        ),
        False,
        "Quelle:",
        "sagte bei der Vorstellung",
    ),
    # a label with no separator and no lexicon word, and a plain support footer: nothing on one
    # page tells them from prose; the site repeats them (site statistics, through a fetch)
    Site(
        "galaxiamovil.example",
        "Galaxia Móvil",
        "es",
        "span-label-paragraph",
        ("Echa también un ojo a",),
        "Galaxia Móvil es un medio independiente que vive de sus lectores: {0}.",
        (("apóyanos desde tres euros al mes", "/apoyanos/"),),
        False,
        "Vía",
        "contó durante la presentación",
    ),
)

# Set B: written after the rules of issue 16, scored once as they were (docs/extraction.md).
SITES_B = (
    Site(
        "radarnerd.example",
        "Radar Nerd",
        "pt",
        "link-then-label",
        ("(vale a leitura)", "(a gente recomenda)", "(mais sobre o assunto)"),
        "Ative o sininho e acompanhe o Radar Nerd no {0} e no {1}.",
        (
            ("Gorjeio", "https://twitter.com/radarnerd"),
            ("YouTube", "https://www.youtube.com/@radarnerd"),
        ),
        False,
        "Fonte:",
        "afirmou em nota",
    ),
    Site(
        "ilsegnale.example",
        "Il Segnale",
        "it",
        "blockquote-box",
        ("Vi consiglio anche", "Restando in tema", "Un altro pezzo da non saltare"),
        "Ti è piaciuto? Ci trovi anche su {0} e {1}.",
        (
            ("Cinguettio", "https://twitter.com/ilsegnale"),
            ("Facebook", "https://www.facebook.com/ilsegnale"),
        ),
        False,
        "Fonte:",
        "ha spiegato in conferenza stampa",
    ),
    Site(
        "dernierbit.example",
        "Dernier Bit",
        "fr",
        "single-item-list",
        ("À voir :", "Côté archives :", "Pour compléter :"),
        "Pour suivre l'actu, rejoignez la communauté Dernier Bit sur {0} et {1}.",
        (
            ("Gazouillement", "https://twitter.com/dernierbit"),
            ("Discord", "https://discord.gg/dernierbit"),
        ),
        True,
        "Source :",
        "a indiqué dans un communiqué",
    ),
)

# Sentences with slots: {co} company, {pr} product, {ci} city, {n} a number, {p} a percentage.
SENTENCES = {
    "es": [
        "La empresa {co} ha presentado esta semana en {ci} su nuevo {pr}, que llegará a las "
        "tiendas antes del verano con un precio de {n} euros.",
        "Según los primeros análisis, el {pr} consume un {p} % menos de energía que el modelo "
        "anterior y apenas se calienta durante las pruebas de rendimiento.",
        "Los responsables del proyecto reconocen que el desarrollo se retrasó varios meses por la "
        "escasez de componentes y por los cambios de última hora en el diseño.",
        "En {ci} ya hay {n} centros educativos que han empezado a probar la herramienta con "
        "grupos reducidos de estudiantes de secundaria.",
        "Los expertos consultados advierten de que la seguridad de estos sistemas depende sobre "
        "todo de las actualizaciones que publique el fabricante cada mes.",
        "La compañía {co} asegura que los datos de los usuarios se guardan cifrados y que nunca "
        "salen de los servidores que tiene en {ci}.",
        "Durante la demostración, el equipo mostró cómo el {pr} reconoce órdenes de voz en cinco "
        "idiomas sin necesidad de conexión a internet.",
        "El mercado de este tipo de dispositivos creció un {p} % el año pasado, impulsado por la "
        "demanda de las pequeñas empresas y de los autónomos.",
        "Varios usuarios que participaron en la fase de pruebas destacan la duración de la "
        "batería, que supera las {n} horas de uso continuado.",
        "Las asociaciones de consumidores piden más transparencia sobre el origen de los "
        "materiales y sobre las condiciones de reparación del {pr}.",
    ],
    "pt": [
        "A empresa {co} apresentou nesta semana em {ci} o seu novo {pr}, que chega às lojas "
        "antes do fim do ano por {n} reais.",
        "Nos primeiros testes, o {pr} gastou {p} % menos energia do que o modelo anterior e "
        "quase não esquentou durante as medições de desempenho.",
        "Os responsáveis pelo projeto admitem que o desenvolvimento atrasou alguns meses por "
        "causa da falta de componentes e de mudanças no desenho final.",
        "Em {ci}, {n} escolas públicas já começaram a testar a ferramenta com turmas pequenas do "
        "ensino médio.",
        "Especialistas ouvidos pela reportagem lembram que a segurança desses sistemas depende "
        "das atualizações mensais publicadas pelo fabricante.",
        "A {co} garante que os dados dos usuários ficam criptografados e nunca saem dos "
        "servidores instalados em {ci}.",
        "Na demonstração, a equipe mostrou como o {pr} reconhece comandos de voz em cinco idiomas "
        "sem precisar de conexão com a internet.",
        "O mercado desse tipo de aparelho cresceu {p} % no ano passado, puxado pela procura de "
        "pequenas empresas e de profissionais autônomos.",
        "Usuários que participaram da fase de testes elogiam a bateria, que passa de {n} horas de "
        "uso contínuo.",
        "Entidades de defesa do consumidor pedem mais transparência sobre a origem dos materiais "
        "e sobre as condições de conserto do {pr}.",
    ],
    "it": [
        "L'azienda {co} ha presentato questa settimana a {ci} il suo nuovo {pr}, che arriverà "
        "nei negozi prima dell'estate al prezzo di {n} euro.",
        "Secondo le prime prove, il {pr} consuma il {p} % di energia in meno rispetto al modello "
        "precedente e si scalda pochissimo sotto carico.",
        "I responsabili del progetto ammettono che lo sviluppo ha subito un ritardo di alcuni "
        "mesi per la carenza di componenti e per le modifiche al design.",
        "A {ci} sono già {n} le scuole che hanno iniziato a sperimentare lo strumento con piccoli "
        "gruppi di studenti delle superiori.",
        "Gli esperti sentiti ricordano che la sicurezza di questi sistemi dipende soprattutto "
        "dagli aggiornamenti mensili pubblicati dal produttore.",
        "La società {co} assicura che i dati degli utenti sono cifrati e non lasciano mai i "
        "server che si trovano a {ci}.",
        "Durante la dimostrazione il gruppo di lavoro ha mostrato come il {pr} riconosca comandi "
        "vocali in cinque lingue senza connessione.",
        "Il mercato di questi dispositivi è cresciuto del {p} % lo scorso anno, trainato dalla "
        "domanda delle piccole imprese e dei liberi professionisti.",
        "Chi ha partecipato alla fase di test loda la batteria, che supera le {n} ore di utilizzo "
        "continuo.",
        "Le associazioni dei consumatori chiedono più trasparenza sull'origine dei materiali e "
        "sulle condizioni di riparazione del {pr}.",
    ],
    "fr": [
        "La société {co} a présenté cette semaine à {ci} son nouveau {pr}, qui arrivera en "
        "magasin avant l'été au prix de {n} euros.",
        "Selon les premiers essais, le {pr} consomme {p} % d'énergie en moins que le modèle "
        "précédent et chauffe très peu pendant les tests de performance.",
        "Les responsables du projet reconnaissent que le développement a pris plusieurs mois de "
        "retard à cause de la pénurie de composants et de changements de conception.",
        "À {ci}, {n} établissements scolaires ont déjà commencé à tester l'outil avec de petits "
        "groupes de lycéens.",
        "Les experts interrogés rappellent que la sécurité de ces systèmes dépend surtout des "
        "mises à jour mensuelles publiées par le fabricant.",
        "L'entreprise {co} affirme que les données des utilisateurs sont chiffrées et ne quittent "
        "jamais ses serveurs installés à {ci}.",
        "Lors de la démonstration, l'équipe a montré comment le {pr} comprend des commandes "
        "vocales en cinq langues sans connexion à internet.",
        "Le marché de ces appareils a progressé de {p} % l'an dernier, porté par la demande des "
        "petites entreprises et des indépendants.",
        "Les utilisateurs qui ont participé à la phase de test saluent l'autonomie de la "
        "batterie, qui dépasse {n} heures d'utilisation continue.",
        "Les associations de consommateurs réclament plus de transparence sur l'origine des "
        "matériaux et sur les conditions de réparation du {pr}.",
    ],
    "de": [
        "Das Unternehmen {co} hat diese Woche in {ci} sein neues {pr} vorgestellt, das noch vor "
        "dem Sommer für {n} Euro in den Handel kommen soll.",
        "Ersten Tests zufolge verbraucht das {pr} {p} Prozent weniger Energie als das Vorgängermodell "
        "und wird auch unter Last kaum warm.",
        "Die Projektverantwortlichen räumen ein, dass sich die Entwicklung wegen fehlender Bauteile "
        "und später Änderungen am Design um mehrere Monate verzögert hat.",
        "In {ci} testen bereits {n} Schulen das Werkzeug mit kleinen Gruppen von Schülerinnen und "
        "Schülern der Oberstufe.",
        "Die befragten Fachleute weisen darauf hin, dass die Sicherheit solcher Systeme vor allem "
        "von den monatlichen Updates des Herstellers abhängt.",
        "{co} versichert, dass die Daten der Nutzer verschlüsselt gespeichert werden und die "
        "Server in {ci} nie verlassen.",
        "Bei der Vorführung zeigte das Team, wie das {pr} Sprachbefehle in fünf Sprachen ohne "
        "Internetverbindung versteht.",
        "Der Markt für solche Geräte ist im vergangenen Jahr um {p} Prozent gewachsen, getragen "
        "von kleinen Firmen und Selbstständigen.",
        "Wer an der Testphase teilgenommen hat, lobt den Akku, der mehr als {n} Stunden "
        "Dauerbetrieb schafft.",
        "Verbraucherverbände fordern mehr Transparenz über die Herkunft der Materialien und über "
        "die Reparaturbedingungen des {pr}.",
    ],
}

COMPANIES = [
    "Nubrix",
    "Kelvora",
    "Tessaly",
    "Orquim",
    "Valdemar Labs",
    "Zentiva Systems",
    "Hexalume",
    "Brindle",
    "Quoral",
    "Mirantec",
    "Sopheon",
    "Altavia",
    "Pirelio",
]
PRODUCTS = {
    "es": [
        "lector de libros",
        "router doméstico",
        "reloj deportivo",
        "altavoz inteligente",
        "portátil plegable",
        "termostato conectado",
    ],
    "pt": [
        "leitor digital",
        "roteador doméstico",
        "relógio esportivo",
        "alto-falante inteligente",
        "notebook dobrável",
        "termostato conectado",
    ],
    "it": [
        "lettore di ebook",
        "router domestico",
        "orologio sportivo",
        "altoparlante smart",
        "portatile pieghevole",
        "termostato connesso",
    ],
    "fr": [
        "liseuse",
        "routeur domestique",
        "montre de sport",
        "haut-parleur connecté",
        "ordinateur pliable",
        "thermostat connecté",
    ],
    "de": [
        "E-Book-Lesegerät",
        "Heimrouter",
        "Sportuhr",
        "Smart-Lautsprecher",
        "Falt-Notebook",
        "Thermostat",
    ],
}
CITIES = {
    "es": ["Zaragoza", "Bilbao", "Málaga", "Valladolid", "Murcia", "Gijón"],
    "pt": ["Curitiba", "Recife", "Porto Alegre", "Campinas", "Fortaleza", "Belém"],
    "it": ["Torino", "Bologna", "Bari", "Verona", "Genova", "Padova"],
    "fr": ["Lyon", "Nantes", "Lille", "Rennes", "Grenoble", "Bordeaux"],
    "de": ["Leipzig", "Bremen", "Kassel", "Freiburg", "Mainz", "Rostock"],
}
TITLE = {
    "es": "{co} presenta un {pr} pensado para {ci}",
    "pt": "{co} lança {pr} e aposta em {ci}",
    "it": "{co} presenta un {pr} e punta su {ci}",
    "fr": "{co} dévoile un {pr} et mise sur {ci}",
    "de": "{co} stellt neues {pr} in {ci} vor",
}
RELATED = {
    "es": "Así funciona el nuevo sistema de {co} para {pr}",
    "pt": "Como funciona o novo sistema da {co} para {pr}",
    "it": "Come funziona il nuovo sistema di {co} per {pr}",
    "fr": "Comment fonctionne le nouveau système de {co} pour {pr}",
    "de": "So funktioniert das neue System von {co} für {pr}",
}
HEADING = {
    "es": "Lo que cambia",
    "pt": "O que muda",
    "it": "Cosa cambia",
    "fr": "Ce qui change",
    "de": "Was sich ändert",
}
QUOTE = {
    "es": "Queremos que cualquier persona pueda reparar su {pr} sin herramientas especiales",
    "pt": "Queremos que qualquer pessoa consiga consertar o seu {pr} sem ferramentas especiais",
    "it": "Vogliamo che chiunque possa riparare il proprio {pr} senza attrezzi speciali",
    "fr": "Nous voulons que chacun puisse réparer son {pr} sans outils spéciaux",
    "de": "Wir wollen, dass jeder sein {pr} ohne Spezialwerkzeug reparieren kann",
}
LIST_ITEMS = {
    "es": [
        "Pantalla de {n} pulgadas",
        "Carga rápida en media hora",
        "Carcasa de aluminio reciclado",
    ],
    "pt": ["Tela de {n} polegadas", "Carga rápida em meia hora", "Carcaça de alumínio reciclado"],
    "it": [
        "Schermo da {n} pollici",
        "Ricarica rapida in mezz'ora",
        "Scocca in alluminio riciclato",
    ],
    "fr": ["Écran de {n} pouces", "Charge rapide en une demi-heure", "Coque en aluminium recyclé"],
    "de": [
        "Bildschirm mit {n} Zoll",
        "Schnellladen in einer halben Stunde",
        "Gehäuse aus Recycling-Aluminium",
    ],
}
SOCIAL_BLOG = {
    "es": "En un artículo publicado en el {a} de la red social, sus ingenieros explican que la "
    "función llegará primero a {ci} y que los resultados de la prueba se compartirán con "
    "investigadores independientes de la {b} antes de ampliarla al resto de países.",
    "pt": "Num texto publicado no {a} da rede social, os engenheiros explicam que o recurso chega "
    "primeiro a {ci} e que os resultados do teste serão compartilhados com pesquisadores "
    "independentes da {b} antes de chegar aos outros países.",
    "it": "In un articolo pubblicato sul {a} del social network, gli ingegneri spiegano che la "
    "funzione arriverà prima a {ci} e che i risultati del test saranno condivisi con ricercatori "
    "indipendenti dell'{b} prima di estenderla agli altri paesi.",
    "fr": "Dans un billet publié sur le {a} du réseau social, ses ingénieurs expliquent que la "
    "fonction arrivera d'abord à {ci} et que les résultats du test seront partagés avec des "
    "chercheurs indépendants de l'{b} avant d'être étendue aux autres pays.",
    "de": "In einem Beitrag im {a} des sozialen Netzwerks erklären die Ingenieure, dass die "
    "Funktion zuerst in {ci} startet und die Testergebnisse vor der Ausweitung auf andere Länder "
    "mit unabhängigen Forschenden der {b} geteilt werden.",
}
BLOG_WORD = {
    "es": "blog oficial",
    "pt": "blog oficial",
    "it": "blog ufficiale",
    "fr": "blog officiel",
    "de": "offiziellen Blog",
}
UNI = {
    "es": "Universidad de Oviedo",
    "pt": "Universidade de Coimbra",
    "it": "Università di Pisa",
    "fr": "université de Strasbourg",
    "de": "Universität Ulm",
}
CATEGORY = {
    "es": ("Hogar conectado", "/seccion/hogar-conectado/"),
    "it": ("Casa connessa", "/argomenti/casa-connessa/"),
    "fr": ("Matériel et objets", "/rubrique/materiel/"),
}
SIDEBAR = {
    "es": "Lo más visto",
    "pt": "Mais vistas",
    "it": "I più visti",
    "fr": "Les plus vus",
    "de": "Meistgesehen",
}
RIGHTS = {
    "es": "Todos los derechos reservados",
    "pt": "Todos os direitos reservados",
    "it": "Tutti i diritti riservati",
    "fr": "Tous droits réservés",
    "de": "Alle Rechte vorbehalten",
}
NEWS_SITES = [
    "https://www.reuters.com/technology/",
    "https://www.europapress.es/portaltic/",
    "https://www.heise.de/news/",
    "https://www.lemonde.fr/pixels/",
    "https://www.ansa.it/canale_tecnologia/",
    "https://g1.globo.com/tecnologia/",
]
SOCIAL_BLOGS = [
    "https://blog.x.com/engineering/",
    "https://engineering.fb.com/",
    "https://blog.linkedin.com/",
]


def _slug(text: str) -> str:
    out = []
    for ch in text.lower():
        if ch.isalnum() and ch.isascii():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")[:70]


def _fill(template: str, rng: random.Random, slots: dict[str, str]) -> str:
    return template.format(n=rng.randint(12, 480), p=rng.randint(8, 41), **slots)


def _box(site: Site, label: str, title: str, href: str, rc: str) -> tuple[str, str]:
    """(HTML appended to a paragraph or put after it, the box's text as the reader would see it)."""
    a = f'<a href="{href}">{escape(title)}</a>'
    if site.markup == "br-span-class":
        return f'<br><span class="{rc}">{escape(label)} {a}</span>', f"{label} {title}"
    if site.markup == "inline-style-block":
        style = "display:block;margin:12px 0;padding:8px;border-left:3px solid #0a7"
        return f' <span style="{style}">{escape(label)} ➜ {a}</span>', f"{label} ➜ {title}"
    if site.markup == "label-line-then-link":
        return f"</p>\n<p><b>{escape(label)}</b><br>{a}", f"{label}"
    if site.markup == "br-small-arrow":
        return f'<br><small class="{rc}">→ {escape(label)} : {a}</small>', f"{label} : {title}"
    if site.markup == "link-then-label":
        return f"</p>\n<p>{a} <em>{escape(label)}</em>", f"{title} {label}"
    if site.markup == "blockquote-box":
        box = f'<blockquote class="q{rc}"><p><strong>{escape(label)}</strong></p><p>{a}</p></blockquote>'
        return f"</p>\n{box}\n<p>", f"{label} {title}"
    if site.markup == "single-item-list":
        return (
            f'</p>\n<ul class="u{rc}"><li><b>{escape(label)}</b> {a}</li></ul>\n<p>',
            f"{label} {title}",
        )
    if site.markup == "span-label-paragraph":
        # its class is not the one the page's style sheet displays as a block
        return f'</p>\n<p><span class="l{rc}">{escape(label)}</span> {a}', f"{label} {title}"
    return f"</p>\n<p><i>{escape(label)} {a}</i>", f"{label} {title}"


@dataclass
class Page:
    doc_id: str
    url: str
    html: str
    truth: dict[str, object]


def _page(site: Site, k: int, rng: random.Random, co: str) -> Page:
    lang = site.lang
    pr = PRODUCTS[lang][k % len(PRODUCTS[lang])]
    ci = CITIES[lang][k % len(CITIES[lang])]
    slots = {"co": co, "pr": pr, "ci": ci}
    title = _fill(TITLE[lang], rng, slots)
    url = f"http://{site.host}/{2026}/{_slug(title)}/"
    sentences = list(SENTENCES[lang])
    rng.shuffle(sentences)
    paras = [" ".join(_fill(s, rng, slots) for s in sentences[i : i + 2]) for i in (0, 2, 4, 6)]
    other_co = rng.choice([c for c in COMPANIES if c != co])
    other_pr = rng.choice([p for p in PRODUCTS[lang] if p != pr])
    related = _fill(RELATED[lang], rng, {"co": other_co, "pr": other_pr, "ci": ci})
    related_href = f"/{2026}/{_slug(related)}/"
    label = site.labels[k % len(site.labels)]
    rc = "b" + "".join(rng.choice("0123456789abcdef") for _ in range(7))
    news = rng.choice(NEWS_SITES)
    quote = _fill(QUOTE[lang], rng, slots)
    items = [_fill(x, rng, slots) for x in LIST_ITEMS[lang]]
    blog = rng.choice(SOCIAL_BLOGS)
    blog_para = _fill(SOCIAL_BLOG[lang], rng, {**slots, "a": BLOG_WORD[lang], "b": UNI[lang]})
    box_html, box_text = _box(site, label, related, related_href, rc)
    # an in-text link to another site inside the first paragraph
    p0 = paras[0]
    cut = p0.find(" ", len(p0) // 2)
    anchor_words = p0[cut + 1 :].split(" ")[:3]
    anchor = " ".join(anchor_words)
    p0_html = (
        escape(p0[: cut + 1])
        + f'<a href="{news}">{escape(anchor)}</a>'
        + escape(p0[cut + 1 + len(anchor) :])
    )
    credit_name = news.split("/")[2].replace("www.", "")
    footer_links = [f'<a href="{h}">{escape(t)}</a>' for t, h in site.networks]
    footer_html = site.footer.format(*footer_links)
    footer_text = site.footer.format(*(t for t, _ in site.networks))
    blog_anchor = BLOG_WORD[lang]
    blog_html = escape(blog_para).replace(
        escape(blog_anchor), f'<a href="{blog}">{escape(blog_anchor)}</a>', 1
    )
    blog_html = blog_html.replace(
        escape(UNI[lang]),
        f'<a href="https://www.{_slug(UNI[lang])}.example/">{escape(UNI[lang])}</a>',
        1,
    )
    cat_html = ""
    if site.category:
        cat_name, cat_href = CATEGORY[lang]
        cat_html = f'<p class="c{rc[1:4]}"><a href="{cat_href}">{escape(cat_name)}</a></p>\n'
    inline_box = box_html if site.markup.startswith(("br-", "inline-")) else ""
    body = (
        f"{cat_html}<p>{p0_html}{inline_box}</p>\n"
        f"<p>{escape(paras[1])}</p>\n"
        f"<h2>{escape(HEADING[lang])}</h2>\n"
        f"<p>{escape(paras[2])}"
        f"{box_html if site.markup == 'label-line-then-link' else ''}</p>\n"
        f"<blockquote><p>{escape(quote)}</p></blockquote>\n"
        f"<p>{escape(co)} {escape(site.quote_intro)}.</p>\n"
        f"<ul>{''.join(f'<li>{escape(i)}</li>' for i in items)}</ul>\n"
        f"<p>{blog_html}</p>\n"
        f"<p>{escape(paras[3])}</p>\n"
        f'<p>{escape(site.credit)} <a href="{news}">{escape(credit_name)}</a></p>\n'
        f"<p><em>{footer_html}</em></p>\n"
    )
    if site.markup in (
        "italic-paragraph",
        "span-label-paragraph",
        "link-then-label",
        "blockquote-box",
        "single-item-list",
    ):
        body = body.replace(
            "</p>\n<p>" + escape(paras[1]), box_html + "</p>\n<p>" + escape(paras[1]), 1
        )
    side = "".join(
        f'<li><a href="/{2026}/{_slug(x)}/">{escape(x)}</a></li>'
        for x in (
            _fill(RELATED[lang], rng, {"co": c, "pr": p, "ci": ci})
            for c, p in zip(rng.sample(COMPANIES, 3), rng.sample(PRODUCTS[lang], 3), strict=True)
        )
    )
    html = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)} | {escape(site.name)}</title>
<meta property="og:site_name" content="{escape(site.name)}">
<link rel="canonical" href="{url}">
<meta property="article:published_time" content="2026-11-{10 + k:02d}T09:30:00+01:00">
<style>.{rc}{{display:block;margin:1em 0;padding:.5em;background:#f4f4f4}} body{{font:16px serif}}</style>
</head><body>
<header class="top"><a class="logo" href="/">{escape(site.name)}</a>
<nav><ul><li><a href="/movil/">Móvil</a></li><li><a href="/ciencia/">Ciencia</a></li>
<li><a href="/juegos/">Juegos</a></li><li><a href="/guias/">Guías</a></li></ul></nav></header>
<div class="wrap"><main><article class="entry">
<h1>{escape(title)}</h1>
<div class="byline">{escape(co)} · 2026-11-{10 + k:02d}</div>
<div class="entry-body">
{body}</div>
</article></main>
<aside class="side"><h3>{escape(SIDEBAR[lang])}</h3><ul>{side}</ul></aside></div>
<footer class="bottom"><p>© 2026 {escape(site.name)}. {escape(RIGHTS[lang])}.</p></footer>
</body></html>
"""
    body_lines = [
        p0,
        paras[1],
        HEADING[lang],
        paras[2],
        quote,
        f"{co} {site.quote_intro}.",
        *items,
        blog_para,
        paras[3],
        f"{site.credit} {credit_name}",
    ]
    must_not = [box_text, footer_text, related]
    if site.markup == "label-line-then-link":
        must_not = [label, footer_text, related]
    if site.category:
        must_not.append(CATEGORY[lang][0])
    truth: dict[str, object] = {
        "url": url,
        "title": title,
        "language": lang,
        "articleBody": "\n".join(body_lines),
        "mustNotContain": must_not,
        "quotes": [quote],
        "links": [{"text": anchor, "href": news}, {"text": blog_anchor, "href": blog}],
        "optional": [],
    }
    return Page(f"{site.host.split('.')[0]}-{k + 1:02d}", url, html, truth)


def build(pages_per_site: int = 6, sites: tuple[Site, ...] = SITES) -> list[Page]:
    rng = random.Random(SEED if sites is SITES else SEED + 1)
    pages: list[Page] = []
    for site in sites:
        companies = rng.sample(COMPANIES, pages_per_site)  # one story per company and site
        pages.extend(_page(site, k, rng, companies[k]) for k in range(pages_per_site))
    return pages


def feed_xml(site: Site, pages: list[Page], base: str) -> str:
    """An RSS 2.0 feed of the site's pages, with links under `base` (the serving address)."""
    items = "".join(
        f"<item><title>{escape(str(p.truth['title']))}</title>"
        f"<link>{base}{p.url.split(site.host, 1)[1]}</link>"
        f"<guid>{base}{p.url.split(site.host, 1)[1]}</guid>"
        f"<description>{escape(str(p.truth['articleBody']).split(chr(10))[0][:140])}</description>"
        f"<pubDate>Tue, {10 + i:02d} Nov 2026 09:30:00 +0100</pubDate></item>"
        for i, p in enumerate(pages)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(site.name)}</title><link>{base}/</link><language>{site.lang}</language>"
        f"<description>{escape(site.name)}</description>{items}</channel></rss>"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", choices=("a", "b"), default="a", help="b: the sites written after")
    ap.add_argument("--out", default="")
    args = ap.parse_args(argv)
    name = "unseen-news" if args.set == "a" else "unseen-news-b"
    out = Path(args.out or ROOT / "tests" / "data" / name)
    (out / "html").mkdir(parents=True, exist_ok=True)
    truth: dict[str, object] = {}
    for page in build(sites=SITES if args.set == "a" else SITES_B):
        (out / "html" / f"{page.doc_id}.html.gz").write_bytes(
            gzip.compress(page.html.encode("utf-8"), mtime=0)
        )
        truth[page.doc_id] = page.truth
    (out / "ground-truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    print(f"{len(truth)} pages -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

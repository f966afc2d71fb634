"""Words for fictitious policies: themes, objectives, guidelines, services and indicators.

Names follow the conventions of the CEPLAN matrices (an objective or guideline opens with an
infinitive, a service with "Servicio", an indicator with its measure) and vary in length, so
they wrap over one to five lines in a cell.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Theme:
    slug: str
    policy: str
    sector: str
    ministry: str
    population: tuple[str, ...]
    topics: tuple[str, ...]
    responsible: tuple[str, ...]


THEMES = [
    Theme("agua", "Política Nacional de Saneamiento y Agua Segura", "37: VIVIENDA CONSTRUCCION Y SANEAMIENTO",
          "037: M. DE VIVIENDA, CONSTRUCCION Y SANEAMIENTO",
          ("los hogares rurales", "las familias de zonas periurbanas", "las comunidades nativas amazónicas",
           "los centros poblados dispersos", "las juntas administradoras de servicios de saneamiento"),
          ("el acceso al agua segura", "la continuidad del servicio de agua potable",
           "el tratamiento de aguas residuales", "la gestión de los residuos sólidos municipales",
           "la calidad del agua para consumo humano"),
          ("Ministerio de Vivienda, Construcción y Saneamiento", "SUNASS", "OTASS",
           "Ministerio de Salud", "Gobiernos Regionales", "Ministerio del Ambiente")),
    Theme("juventud", "Política Nacional de la Juventud", "10: EDUCACION", "010: M. DE EDUCACION",
          ("las personas jóvenes de 15 a 29 años", "los jóvenes en situación de vulnerabilidad",
           "las y los estudiantes de educación superior", "los jóvenes que no estudian ni trabajan"),
          ("la inserción laboral formal", "la participación ciudadana juvenil",
           "la salud mental y la prevención del consumo de drogas", "el acceso a la educación superior",
           "la prevención de la violencia"),
          ("Ministerio de Educación", "SENAJU", "Ministerio de Trabajo y Promoción del Empleo",
           "DEVIDA", "Ministerio de Salud", "PRONABEC")),
    Theme("clima", "Política Nacional del Ambiente", "05: AMBIENTAL", "005: M. DEL AMBIENTE",
          ("las poblaciones expuestas a peligros climáticos", "los productores agrarios familiares",
           "las comunidades campesinas de las cuencas altas", "los gobiernos locales de zonas costeras"),
          ("la conservación de los bosques amazónicos", "la gestión integrada de los recursos hídricos",
           "la reducción de las emisiones de gases de efecto invernadero",
           "la adaptación al cambio climático", "la calidad del aire en las ciudades"),
          ("Ministerio del Ambiente", "SERNANP", "SENAMHI", "OEFA", "Autoridad Nacional del Agua",
           "Ministerio de Desarrollo Agrario y Riego")),
    Theme("mype", "Política Nacional de Competitividad Productiva", "38: PRODUCCION", "038: M. DE LA PRODUCCION",
          ("las micro y pequeñas empresas", "los productores de las cadenas agroexportadoras",
           "las cooperativas de pescadores artesanales", "las emprendedoras de zonas urbanas"),
          ("la formalización empresarial", "el acceso al financiamiento productivo",
           "la adopción de tecnologías digitales", "la articulación a mercados internacionales",
           "la innovación en los procesos productivos"),
          ("Ministerio de la Producción", "PRODUCE - PNDP", "SUNAT", "COFIDE", "INACAL",
           "Ministerio de Comercio Exterior y Turismo", "ITP")),
    Theme("mujer", "Política Nacional de Igualdad de Género", "39: MUJER Y POBLACIONES VULNERABLES",
          "039: M. DE LA MUJER Y POBLACIONES VULNERABLES",
          ("las mujeres víctimas de violencia", "las mujeres rurales e indígenas",
           "las adolescentes en situación de riesgo", "las trabajadoras del hogar"),
          ("la violencia contra las mujeres", "la autonomía económica de las mujeres",
           "la participación política de las mujeres", "la corresponsabilidad en las tareas de cuidado",
           "los patrones socioculturales discriminatorios"),
          ("Ministerio de la Mujer y Poblaciones Vulnerables", "Programa Nacional AURORA", "Poder Judicial",
           "Ministerio Público", "Ministerio del Interior", "Ministerio de Justicia y Derechos Humanos")),
]

INDICATOR_TYPES = ["Calidad", "Cobertura", "Oportunidad", "Fiabilidad", "Accesibilidad", "Eficacia"]
INDEX_NAMES = ["Índice de gestión de la política nacional", "Índice de gestión de la Política Nacional"]

OBJECTIVE_VERBS = ["Mejorar", "Fortalecer", "Reducir", "Ampliar", "Garantizar", "Promover", "Incrementar",
                   "Asegurar", "Disminuir", "Consolidar"]
GUIDELINE_VERBS = ["Implementar", "Desarrollar", "Articular", "Fortalecer", "Ampliar", "Mejorar",
                   "Promover", "Optimizar", "Establecer", "Fomentar"]
QUALIFIERS = ["con enfoque intercultural", "con pertinencia territorial", "de manera articulada",
              "a nivel nacional", "en los tres niveles de gobierno", "con enfoque de género",
              "de forma oportuna y sostenible", "en zonas rurales y de frontera", ""]
SERVICE_ACTIONS = ["asistencia técnica", "capacitación", "acompañamiento", "orientación",
                   "fiscalización", "atención integral", "monitoreo", "información y difusión",
                   "financiamiento", "certificación", "registro"]
PCT_SUBJECTS = ["de {pop} que acceden a", "de {pop} atendidos con", "de {pop} que reciben",
                "de entidades que implementan", "de gobiernos locales que cumplen con",
                "de {pop} satisfechos con"]
COUNT_SUBJECTS = ["de {pop} atendidos en", "de intervenciones realizadas para", "de acciones de control sobre",
                  "de campañas ejecutadas sobre", "de personas capacitadas en", "de expedientes resueltos sobre"]
RATE_HEADS = ["Tasa de", "Tasa de incidencia de"]


def _tail(rng: random.Random) -> str:
    q = rng.choice(QUALIFIERS)
    return f" {q}" if q else ""


def objective(rng: random.Random, theme: Theme) -> str:
    return f"{rng.choice(OBJECTIVE_VERBS)} {rng.choice(theme.topics)} de {rng.choice(theme.population)}{_tail(rng)}"


def guideline(rng: random.Random, theme: Theme) -> str:
    action = rng.choice(SERVICE_ACTIONS)
    return (f"{rng.choice(GUIDELINE_VERBS)} los mecanismos de {action} para {rng.choice(theme.topics)}"
            f"{_tail(rng)}")


def service(rng: random.Random, theme: Theme) -> str:
    action = rng.choice(SERVICE_ACTIONS)
    text = f"Servicio de {action} en {rng.choice(theme.topics)} dirigido a {rng.choice(theme.population)}"
    return text + _tail(rng) + rng.choice(["", "", "."])


def indicator(rng: random.Random, theme: Theme, kind: str) -> str:
    pop = rng.choice(theme.population)
    topic = rng.choice(theme.topics)
    if kind in ("pct", "pct_desc"):
        head = rng.choice(["Porcentaje", "Porcentaje", "Proporción"])
        return f"{head} {rng.choice(PCT_SUBJECTS).format(pop=pop)} {topic}{_tail(rng)}"
    if kind == "rate_desc":
        return f"{rng.choice(RATE_HEADS)} {topic} en {pop} (por 100,000 habitantes)"
    if kind == "acum_series":
        return f"Número acumulado {rng.choice(COUNT_SUBJECTS).format(pop=pop)} {topic}{_tail(rng)}"
    head = rng.choice(["Número", "Número", "Cantidad"])
    return f"{head} {rng.choice(COUNT_SUBJECTS).format(pop=pop)} {topic}{_tail(rng)}"

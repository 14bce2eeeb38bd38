"""The impact side: a territory's figures for its officials, the exports and the open data.

The core never imports the apps that own the data. They register, from ``AppConfig.ready()``,
what they contribute (``registry.py``): sections of the impact page, steps of the projects
funnel, the challenges a page may be narrowed to, export kinds and open datasets. The core
shows them (``views``), caches them (``cache.py``), draws their charts (``charts.py``) and
writes their files (``exports.py``, ``opendata.py``).
"""

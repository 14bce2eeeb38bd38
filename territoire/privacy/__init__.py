"""Personal data (GDPR): the register of processing, access and erasure.

Each app declares what it processes and how to export and erase a person's data in
``registry.py`` from its AppConfig.ready(); the core reads them through the registry only.
"""

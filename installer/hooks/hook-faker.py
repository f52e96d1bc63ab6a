"""Faker for the frozen program: only the locales the demo data speaks (zh_CN) and the ones Faker falls back to.

Replaces pyinstaller-hooks-contrib's hook, which bundles every provider of every locale (about 25 MB). Under
PyInstaller Faker finds its providers and locales by globbing ``*/__init__.py`` below its folder in the
bundle, so each kept package's ``__init__.py`` goes in as a data file as well as a module.
"""
from pathlib import Path

import faker.providers

#: zh_CN for 演示数据; en_US is Faker's default; a provider without either falls back to its own default_locale
KEPT_LOCALES = {"zh_CN", "en_US"}

providers_dir = Path(faker.providers.__file__).parent
hiddenimports = ["faker.providers"]
datas = [(str(providers_dir / "__init__.py"), "faker/providers")]
for provider in sorted(p.parent for p in providers_dir.glob("*/__init__.py")):
    name = f"faker.providers.{provider.name}"
    hiddenimports.append(name)
    datas.append((str(provider / "__init__.py"), f"faker/providers/{provider.name}"))
    source = (provider / "__init__.py").read_text(encoding="utf-8")
    own_default = [line.split("=")[1].strip().strip("\"'") for line in source.splitlines()
                   if line.startswith("default_locale")]
    for locale in sorted(KEPT_LOCALES | set(own_default)):
        if (provider / locale / "__init__.py").exists():
            hiddenimports.append(f"{name}.{locale}")
            datas.append((str(provider / locale / "__init__.py"), f"faker/providers/{provider.name}/{locale}"))

"""QR file names are cut by bytes for the file system, so one long name never stops the run."""
from __future__ import annotations

from station_app.db.models import Delegation, Representative
from station_app.services import qr as qr_service
from station_app.services import settings as settings_service

#: a CJK Extension B character: four bytes of UTF-8 (an ordinary Chinese character takes three)
WIDE = "𠀀"


def test_long_names_in_four_byte_characters_still_give_every_file(ctx, tmp_path):
    settings_service.save_this_station(ctx, settings_service.ThisStationInput(name="东河县" + WIDE * 95, code="DH"))
    with ctx.write() as s:
        long_delegation = Delegation(name=WIDE * 100)
        s.add_all([Representative(name=WIDE * 30, level="县", pinyin="a", delegation=long_delegation),
                   Representative(name=WIDE * 30, level="县", pinyin="b", delegation=long_delegation),
                   Representative(name="王伟", level="县", pinyin="wang")])
    out = tmp_path / "码"
    output = qr_service.export_codes(ctx, out, poster=True)

    names = sorted(p.name for p in out.iterdir())
    assert len(output.pngs) == 3 and all(p.exists() for p in output.pngs)
    assert all(len(name.encode("utf-8")) <= 255 for name in names)
    assert len({p.name for p in output.pngs}) == 3  # the two of one name told apart
    assert output.cards_pdf.suffix == ".pdf" and output.poster_pdf.suffix == ".pdf"  # the suffix is never cut off
    assert output.cards_pdf.name.startswith("东河县" + WIDE)
    assert not [name for name in names if name.startswith(".")]  # no temporary file left

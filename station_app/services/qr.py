"""代表二维码 — payloads from the settings' template, PNG files, the card sheet and the station poster."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import Delegation, Representative
from station_app.i18n import tr
from station_app.io.qr import captioned_qr_image, file_name, write_png
from station_app.io.qr_pdf import QrCard, write_cards_pdf, write_station_poster
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext, StationRef
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.settings import StationSettings
from station_app.vocab import Level, RepKind

_PNGS_AHEAD = 8  # images drawn but not yet written, at most


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def payload_for(rep: Representative, settings: StationSettings, station: StationRef) -> str:
    """Fill the template: {id} {name} {phone} {station} {station_code} {level} {title} {delegation} {group}.

    {level} is the bare level (县); {title} is what the card says (县级人大代表, 议政代表).
    """
    values = _Blank(
        id=rep.id, name=rep.name, phone=rep.phone, station=rep.station.name if rep.station else station.name,
        station_code=station.code, level=rep.level, title=level_label(rep),
        delegation=rep.delegation.name if rep.delegation else "", group=rep.group.name if rep.group else "",
    )
    return settings.qr_template.format_map(values)


def station_payload(settings: StationSettings, station: StationRef) -> str:
    return settings.station_qr_template.format_map(_Blank(
        station=station.name, station_code=station.code, address=station.address, station_phone=station.phone))


def level_label(rep: Representative) -> str:
    if rep.kind == RepKind.DELIBERATIVE:
        return RepKind.DELIBERATIVE.label
    return tr("{level}人大代表", level=rep.level if rep.level == Level.NATIONAL else f"{rep.level}级")


def card_for(rep: Representative, settings: StationSettings, station: StationRef) -> QrCard:
    return QrCard(name=rep.name, level=level_label(rep), delegation=rep.delegation.name if rep.delegation else "",
                  payload=payload_for(rep, settings, station), note=rep.group.name if rep.group else "")


@dataclass(frozen=True)
class QrPreview:
    """What the QR page shows for one representative."""

    caption: str
    payload: str


def preview(ctx: ServiceContext, rep_id: str) -> QrPreview:
    settings, station = settings_service.read(ctx), ctx.station
    with ctx.read() as session:
        rep = session.get(Representative, rep_id)
        if rep is None:
            raise NotFound(tr("找不到这位代表：{id}", id=rep_id))
        return QrPreview(f"{rep.name}  {level_label(rep)}", payload_for(rep, settings, station))


def _selected(session: Session, rep_keys: Sequence[str] | None) -> list[Representative]:
    if rep_keys:
        from station_app.services.registry import _find_representative  # here: it brings pinyin and Excel along

        return [_find_representative(session, key) for key in rep_keys]
    query = (select(Representative).outerjoin(Delegation, Representative.delegation_id == Delegation.id)
             .where(Representative.voided_at.is_(None), Representative.active.is_(True))
             .order_by(Representative.kind, Delegation.name.is_(None), Delegation.name, Representative.pinyin))
    return list(session.scalars(query).unique())


@dataclass
class QrOutput:
    pngs: list[Path] = field(default_factory=list)
    cards_pdf: Path | None = None
    poster_pdf: Path | None = None


def export_codes(ctx: ServiceContext, out_dir: Path | str, rep_keys: Sequence[str] | None = None, *,
                 pngs: bool = True, cards: bool = True, poster: bool = False,
                 on_duty_keys: Sequence[str] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> QrOutput:
    """PNG per representative, the A4 card sheet and (optionally) the station poster into ``out_dir``.

    ``progress(done, total)`` is called after each PNG is drawn (from this thread), so a window can show how far
    it is. Each PNG is compressed and written in a worker thread while the next one, and the card sheet, are drawn.
    """
    out_dir = Path(out_dir)
    output = QrOutput()
    settings, station = settings_service.read(ctx), ctx.station
    _check_template(settings)
    with ctx.read() as session:
        reps = _selected(session, rep_keys)
        if not reps and (pngs or cards):
            raise StationError(tr("没有在任的代表，无法生成二维码"))
        cards_list = [card_for(rep, settings, station) for rep in reps]
        duty_cards = [card_for(rep, settings, station) for rep in _selected(session, on_duty_keys)] if on_duty_keys else []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="qr-png") as writer:
        written: list[Future[Path]] = []
        if pngs:
            used: set[str] = set()
            for rep, card in zip(reps, cards_list):
                # cut by bytes for the file system, with room for the id that tells two people of one name apart
                name = file_name(f"{rep.name}_{rep.delegation.name if rep.delegation else rep.level}", ".png",
                                 reserve=9)
                if name in used:
                    name = f"{name[:-4]}_{rep.id[:8]}.png"
                used.add(name)
                image = captioned_qr_image(card.payload, caption=card.name, subcaption=card.level)
                if len(written) >= _PNGS_AHEAD:  # keep only a few images waiting in memory
                    written[-_PNGS_AHEAD].result()
                written.append(writer.submit(write_png, image, out_dir / name))
                if progress:
                    progress(len(written), len(reps))
        # The PNGs are compressed and written in the worker thread while the card sheet is drawn here.
        if cards:
            output.cards_pdf = out_dir / file_name(f"{station.name}_代表二维码卡片", ".pdf")
            write_cards_pdf(cards_list, output.cards_pdf, title=tr("{station} 代表二维码", station=station.name))
        output.pngs = [future.result() for future in written]  # a failed write raises here
    if poster:
        output.poster_pdf = out_dir / file_name(f"{station.name}_一站一码海报", ".pdf")
        write_station_poster(output.poster_pdf, station_name=station.name,
                             station_payload=station_payload(settings, station), heading=tr("值班代表"),
                             on_duty=duty_cards, footer=station.address)
    return output


def _check_template(settings: StationSettings) -> None:
    errors = settings_service.validate(settings)
    template_errors = {k: v for k, v in errors.items() if k in ("qr_template", "station_qr_template")}
    if template_errors:
        raise ValidationFailed(template_errors, place=tr("设置中的二维码模板："))

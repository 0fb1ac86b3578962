"""A base for the app's read-only table models: rows of precomputed cells and translated column titles."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt


class CellTableModel(QAbstractTableModel):
    """A flat table whose subclass gives ``COLUMNS`` (titles marked with ``QT_TRANSLATE_NOOP`` in the subclass's
    context, translated here through the subclass's own context) and :meth:`row_count`."""

    COLUMNS: tuple[str, ...] = ()

    def row_count(self) -> int:
        """The number of rows (subclasses say where they keep them)."""
        raise NotImplementedError

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt override."""
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt override."""
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override: translated column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        return None

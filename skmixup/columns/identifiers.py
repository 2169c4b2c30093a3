"""Identifier columns: never mixed, never copied; synthetic rows get fresh values.

A column of identifiers (a customer number, an e-mail address) carries no
structure to keep, and copying its real values would leak them.  Each
synthetic row gets a value that equals no real one, in the column's dtype:

- integers: consecutive new integers above the observed maximum;
- strings: the shape of a real value (picked at random) with each letter
  and digit replaced by a random one of the same class (digit, lower or
  upper case; hexadecimal letters stay hexadecimal when every letter of the
  column is), except the letters that every value has at the same place
  (a common prefix such as ``"C-"`` or ``"user"``); other characters are kept.  A draw
  that equals a real value or an earlier draw is drawn again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _arrow
from ._base import DROP, IDENTIFIER, ColumnHandler, _as_series, _describe

_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8).astype(np.uint32)
_LOWER = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8).astype(np.uint32)
_UPPER = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8).astype(np.uint32)
_REDRAWS = 20


class _IdentifierHandler(ColumnHandler):
    """A column whose synthetic values are generated, not mixed."""

    kind = IDENTIFIER

    def fit(self, column: pd.Series) -> _IdentifierHandler:
        self._fit_meta(_as_series(column))
        return self

    def generate(self, n_samples: int, random_state: np.random.RandomState) -> pd.Series:
        """``n_samples`` fresh values, none equal to a value seen in ``fit``.

        Parameters
        ----------
        n_samples : int
        random_state : RandomState

        Returns
        -------
        pandas Series
            Of the fitted dtype and name.
        """
        raise NotImplementedError

    def _encode(self, column):
        return np.empty(len(column))

    def _prepare(self, values, copy):
        return values

    def _decode(self, values):
        raise TypeError(f"{_describe(self.name)} is an identifier: its values are generated, not decoded.")


class IntegerIdentifierHandler(_IdentifierHandler):
    """Integer identifiers (numpy, nullable or Arrow): new integers above the largest seen.

    Attributes
    ----------
    largest : int
        The largest identifier seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skmixup.columns import IntegerIdentifierHandler
    >>> handler = IntegerIdentifierHandler().fit(pd.Series([17, 3, 12], name="id"))
    >>> handler.generate(3, np.random.RandomState(0)).tolist()
    [18, 19, 20]
    """

    def _learn(self, column):
        present = column.dropna()
        self.largest = int(present.max()) if len(present) else -1
        pa_type = _arrow.arrow_type(self.dtype)
        numpy_dtype = np.dtype(
            pa_type.to_pandas_dtype()
            if pa_type is not None
            else getattr(self.dtype, "numpy_dtype", self.dtype)
        )
        self._limit = int(np.iinfo(numpy_dtype).max)
        self._numpy_dtype = numpy_dtype

    def generate(self, n_samples, random_state):
        first = self.largest + 1
        if first + n_samples - 1 > self._limit:
            raise ValueError(
                f"{_describe(self.name)} is an identifier of dtype {self.dtype}: it has no room for "
                f"{n_samples} new values above its largest value {self.largest}. Use a wider dtype, or "
                "drop the column (column_kinds={column: 'drop'})."
            )
        # In the column's own integer type: uint64 identifiers may lie beyond the int64 range.
        values = np.arange(first, first + n_samples, dtype=self._numpy_dtype)
        return pd.Series(values, name=self.name).astype(self.dtype)

    def _merge_state(self, parts):
        self.largest = max(part.largest for part in parts)


class StringIdentifierHandler(_IdentifierHandler):
    """String identifiers (object, ``string``, ``str`` or Arrow strings): new values of the same shape.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skmixup.columns import StringIdentifierHandler
    >>> real = pd.Series(["C-0017", "C-0342", "C-1203"], name="customer")
    >>> fresh = StringIdentifierHandler().fit(real).generate(4, np.random.RandomState(0))
    >>> bool(fresh.str.fullmatch(r"C-\\d{4}").all()), bool(fresh.isin(real).any())
    (True, False)
    """

    def _learn(self, column):
        present = _arrow.computable(column).dropna()
        self._real = pd.Index(present.astype(str).to_numpy(dtype=object)).unique()
        if len(self._real) == 0:
            raise ValueError(f"{_describe(self.name)} has no values to learn identifiers from.")
        templates = self._real.to_numpy(dtype=str)
        self._width = max(1, int(np.char.str_len(templates).max()))
        self._templates = _code_points(templates, self._width)
        # A letter or sign every value has at the same place (the "C-" of "C-0017") is kept;
        # digits always vary, so that a number keeps all its room.
        digits = (self._templates >= 48) & (self._templates <= 57)
        self._varying = ~(self._templates == self._templates[0]).all(axis=0) | digits.any(axis=0)
        varying = self._templates[:, self._varying]
        letters = varying[np.isin(varying, np.concatenate([_LOWER, _UPPER]))]
        hex_letters = np.frombuffer(b"abcdefABCDEF", np.uint8)
        hexadecimal = letters.size > 0 and bool(np.isin(letters, hex_letters).all())
        self._lower = _LOWER[:6] if hexadecimal else _LOWER
        self._upper = _UPPER[:6] if hexadecimal else _UPPER

    def generate(self, n_samples, random_state):
        values = self._draw(n_samples, random_state)
        seen = self._real
        for _ in range(_REDRAWS):
            clash = pd.Index(values).isin(seen) | pd.Index(values).duplicated()
            if not clash.any():
                break
            values[clash] = self._draw(int(clash.sum()), random_state)
        else:
            clash = pd.Index(values).isin(seen) | pd.Index(values).duplicated()
            # Too few shapes to draw from (one-character ids, say): make them unique by a suffix.
            values[clash] = [f"{value}~{k}" for k, value in enumerate(values[clash])]
        return pd.Series(values, name=self.name).astype(self.dtype)

    def _draw(self, n_samples: int, random_state: np.random.RandomState) -> np.ndarray:
        points = self._templates[random_state.randint(len(self._templates), size=n_samples)].copy()
        for alphabet, low, high in ((_DIGITS, 48, 57), (self._lower, 97, 122), (self._upper, 65, 90)):
            where = (points >= low) & (points <= high) & self._varying
            points[where] = alphabet[random_state.randint(len(alphabet), size=int(where.sum()))]
        return points.view(f"<U{self._width}").ravel().astype(object)

    def _merge_state(self, parts):
        # Every real value, in order of appearance, as fitting on the whole column sees them.
        real = pd.Index(np.concatenate([part._real.to_numpy(dtype=object) for part in parts])).unique()
        self._learn(pd.Series(real.to_numpy(dtype=object), dtype=object, name=self.name))


def _code_points(strings: np.ndarray, width: int) -> np.ndarray:
    """Unicode code points of fixed-width strings, shape (n, width), NUL-padded."""
    return strings.astype(f"<U{width}").view(np.uint32).reshape(len(strings), width)


class DropHandler(ColumnHandler):
    """A column left out of every synthetic table (``column_kinds={column: "drop"}``)."""

    kind = DROP

    def _encode(self, column):
        return np.empty(len(column))

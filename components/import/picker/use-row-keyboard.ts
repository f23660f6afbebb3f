"use client";

import { useCallback, useEffect, useRef } from "react";

const CONTROLS = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled])";
/** Controls inside an element marked so (an opened Options panel) stay ordinary Tab stops. */
const OWN_TAB_STOPS = "[data-own-tab-stops]";

/**
 * One Tab stop per row (a roving tabindex): Tab moves from row to row, Left and Right move between
 * the row's controls. In a text field the arrows move the caret and leave the field only at its ends.
 * The control last focused is the row's Tab stop, so coming back lands where one left.
 * Returns a callback ref for the row element.
 */
export function useRowKeyboard(): (row: HTMLElement | null) => void {
  const cleanup = useRef<(() => void) | null>(null);

  const attach = useCallback((row: HTMLElement | null) => {
    cleanup.current?.();
    cleanup.current = null;
    if (!row) return;

    let current: HTMLElement | null = null;
    const controls = () => [...row.querySelectorAll<HTMLElement>(CONTROLS)].filter((control) => !control.closest(OWN_TAB_STOPS));
    const apply = () => {
      const list = controls();
      if (!current || !list.includes(current)) current = list[0] ?? null;
      for (const control of list) {
        const tabIndex = control === current ? "0" : "-1";
        if (control.getAttribute("tabindex") !== tabIndex) control.setAttribute("tabindex", tabIndex);
      }
    };
    const onFocusIn = (event: FocusEvent) => {
      const target = event.target as HTMLElement;
      if (!controls().includes(target)) return;
      current = target;
      apply();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.key !== "ArrowLeft" && event.key !== "ArrowRight") || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const target = event.target as HTMLElement;
      const list = controls();
      const position = list.indexOf(target);
      if (position < 0) return;
      const forward = event.key === "ArrowRight";
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
        const { selectionStart, selectionEnd, value } = target;
        const atEdge = selectionStart === selectionEnd && selectionStart === (forward ? value.length : 0);
        if (!atEdge) return;
      }
      const next = list[position + (forward ? 1 : -1)];
      if (!next) return;
      event.preventDefault();
      next.focus();
      if ((next instanceof HTMLInputElement && next.type === "text") || next instanceof HTMLTextAreaElement) {
        const caret = forward ? next.value.length : 0;
        next.setSelectionRange(caret, caret);
      }
    };

    apply();
    const observer = new MutationObserver(apply);
    observer.observe(row, { childList: true, subtree: true, attributes: true, attributeFilter: ["disabled", "href"] });
    row.addEventListener("focusin", onFocusIn);
    row.addEventListener("keydown", onKeyDown);
    cleanup.current = () => {
      observer.disconnect();
      row.removeEventListener("focusin", onFocusIn);
      row.removeEventListener("keydown", onKeyDown);
    };
  }, []);

  useEffect(() => () => cleanup.current?.(), []);
  return attach;
}

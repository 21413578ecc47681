"""The app's unit tests. Run them from app/ with `python -m unittest`; the image needs none of this."""

from __future__ import annotations

import unittest

from greeting import about, greeting


class GreetingTest(unittest.TestCase):
    def test_greets_the_world_by_default(self) -> None:
        self.assertIn("Hello, world!", greeting())

    def test_greets_by_name_without_the_spaces(self) -> None:
        self.assertIn("Hello, Ada!", greeting("  Ada "))

    def test_blank_name_is_nobody(self) -> None:
        self.assertEqual(greeting("   "), greeting(None))

    def test_about_names_the_versions(self) -> None:
        self.assertEqual(about("0.13.4")["bottle"], "0.13.4")


if __name__ == "__main__":
    unittest.main()

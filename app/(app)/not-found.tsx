import Link from "next/link";

// notFound() in a page of the app: drawn inside the app's frame, whose navigation is already there.
export default function NotFound() {
  return (
    <div className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-3 text-slate-600">There is nothing at this address.</p>
      <Link href="/" className="mt-6 inline-block text-brand-700 underline">
        Back to your start page
      </Link>
    </div>
  );
}
